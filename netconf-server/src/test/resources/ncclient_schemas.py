#!/usr/bin/python3
"""What an OpenDaylight controller reads from a stampd agent before it mounts it: the capabilities of
the hello (the modules, :candidate, :validate:1.1, :writable-running, :rollback-on-error,
:with-defaults, ietf-netconf-monitoring), /netconf-state/schemas (RFC 6022: identifier, version, format
yang, namespace, location NETCONF for every advertised module, and nothing else) and get-schema of every
advertised module, with and without a version.

usage: ncclient_schemas.py HOST PORT USER PASSWORD
"""
import re
import sys
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

from nc_common import BASE_NS, MON_NS, Failure, args, connect, error_of, fail

host, port, user, password = args()[:4]
N = {"m": MON_NS}
NEEDED = ["urn:ietf:params:netconf:base:1.0", "urn:ietf:params:netconf:base:1.1",
          "urn:ietf:params:netconf:capability:candidate:1.0", "urn:ietf:params:netconf:capability:validate:1.1",
          "urn:ietf:params:netconf:capability:writable-running:1.0",
          "urn:ietf:params:netconf:capability:rollback-on-error:1.0",
          "urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit&also-supported=report-all,trim"]


def main():
    with connect(host, port, user, password) as m:
        caps = list(m.server_capabilities)
        for c in NEEDED:
            if c not in caps:
                fail(f"capability {c} not advertised: {caps}")
        refused = [c for c in caps if c.startswith("urn:ietf:params:netconf:capability:url:")]
        if refused:
            fail(f"advertises {refused}, which the agent's operations refuse")
        modules = {}
        for c in caps:
            q = parse_qs(urlsplit(c).query)
            if "module" in q:
                modules[q["module"][0]] = (q.get("revision", [""])[0], c.split("?")[0])
        for needed in ("stampd-stamp", "ietf-netconf-monitoring", "ietf-inet-types", "ietf-yang-types", "ietf-netconf",
                       "notifications"):
            if needed not in modules:
                fail(f"module {needed} not advertised: {sorted(modules)}")
        print(f"OK hello: {len(caps)} capabilities, {len(modules)} modules: {', '.join(sorted(modules))}")

        reply = m.get(filter=(f'<filter xmlns="{BASE_NS}" type="subtree">'
                              f'<netconf-state xmlns="{MON_NS}"><schemas/></netconf-state></filter>')).data_xml
        schemas = ET.fromstring(reply.encode()).findall("m:netconf-state/m:schemas/m:schema", N)
        listed = {}
        for s in schemas:
            ident = s.findtext("m:identifier", namespaces=N)
            listed[ident] = s
            for leaf in ("identifier", "version", "format", "namespace", "location"):
                if s.find(f"m:{leaf}", N) is None:
                    fail(f"schema {ident} lacks {leaf}")
            if s.findtext("m:format", namespaces=N).split(":")[-1] != "yang":
                fail(f"schema {ident} has format {s.findtext('m:format', namespaces=N)}")
            if "NETCONF" not in [l.text for l in s.findall("m:location", N)]:
                fail(f"schema {ident} has no location NETCONF")
        if sorted(listed) != sorted(modules):
            fail(f"/netconf-state/schemas lists {sorted(listed)}, the hello advertises {sorted(modules)}")
        for name, (revision, namespace) in modules.items():
            s = listed[name]
            if s.findtext("m:version", namespaces=N) != revision:
                fail(f"schema {name}: version {s.findtext('m:version', namespaces=N)}, hello says {revision}")
            if s.findtext("m:namespace", namespaces=N) != namespace:
                fail(f"schema {name}: namespace {s.findtext('m:namespace', namespaces=N)}, hello says {namespace}")
        print(f"OK /netconf-state/schemas: {len(listed)} entries matching the hello (version, namespace, "
              "format yang, location NETCONF)")

        for name, (revision, _) in sorted(modules.items()):
            text = m.get_schema(name, version=revision, format="yang").data
            if not re.search(r"\bmodule\s+" + re.escape(name) + r"\s*\{", text):
                fail(f"get-schema {name}@{revision} returned no module {name}: {text[:120]!r}")
            if revision and revision not in text:
                fail(f"get-schema {name}@{revision}: the text has no revision {revision}")
            if m.get_schema(name).data != text:
                fail(f"get-schema {name} without a version differs from {name}@{revision}")
            print(f"OK get-schema {name}@{revision}: {len(text)} characters")
        err = error_of(lambda: m.get_schema("no-such-module"))
        if err is None:
            fail("get-schema of an unknown module succeeded")
        print(f"OK get-schema of an unknown module refused: {err.tag}")
    print("PASS")


if __name__ == "__main__":
    try:
        main()
    except Failure as f:
        print("FAIL", f)
        sys.exit(1)
