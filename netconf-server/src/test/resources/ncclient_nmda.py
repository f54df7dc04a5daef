#!/usr/bin/python3
"""NMDA on the wire (RFC 8342, 8525, 8526): the hello's :yang-library:1.1 and its content-id against
/yang-library's; every module of the YANG library fetched with get-schema; the library instance data and
get-data's operational reply validated by yanglint (libyang, an independent implementation) against those
very modules; get-data of ds:operational (configuration with origin annotations, and state), ds:running and
ds:candidate (configuration only); edit-data to ds:candidate and commit creating a reflector session that
appears in ds:operational; edit-data to ds:running refused like edit-config (same error-tag, type, path); a
locked running refusing edit-data with lock-denied. ncclient 0.6 has no get-data/edit-data: they go through
Manager.dispatch with the operation element.

usage: ncclient_nmda.py HOST PORT USER PASSWORD UDP_PORT
"""
import os
import re
import shutil
import subprocess
import tempfile
from urllib.parse import parse_qs, urlsplit

from lxml import etree as ET  # keeps the prefixes that identityref values (ds:running, or:intended) use
from ncclient.xml_ import to_ele

from nc_common import (BASE_NS, STAMP_NS, Failure, args, check_error, config, connect, error_of, fail, info_of,
                       reflectors)

host, port, user, password, udp = args()[:5]
NMDA_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-nmda"
DS_NS = "urn:ietf:params:xml:ns:yang:ietf-datastores"
OR_NS = "urn:ietf:params:xml:ns:yang:ietf-origin"
YL_NS = "urn:ietf:params:xml:ns:yang:ietf-yang-library"
MON_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
N = {"nmda": NMDA_NS, "yl": YL_NS, "s": STAMP_NS, "m": MON_NS}
ORIGIN = f"{{{OR_NS}}}origin"
YL_CAP = "urn:ietf:params:netconf:capability:yang-library:1.1"
INDEX = 31


def get_data(m, datastore, body=""):
    """get-data of ds:DATASTORE; the <data> element of the reply."""
    reply = m.dispatch(to_ele(f'<get-data xmlns="{NMDA_NS}" xmlns:ds="{DS_NS}"><datastore>ds:{datastore}'
                              f'</datastore>{body}</get-data>'))
    data = ET.fromstring(reply.xml.encode()).find("nmda:data", N)
    if data is None:
        fail(f"get-data of ds:{datastore} returned no <data> in the ietf-netconf-nmda namespace: {reply.xml[:300]}")
    return data


def edit_data(m, datastore, config_xml):
    """edit-data of ds:DATASTORE with the children of a <config> built by nc_common.config()."""
    body = config_xml[config_xml.index(">") + 1:config_xml.rindex("</config>")]
    return m.dispatch(to_ele(f'<edit-data xmlns="{NMDA_NS}" xmlns:ds="{DS_NS}"><datastore>ds:{datastore}'
                             f'</datastore><config xmlns:xc="{BASE_NS}">{body}</config></edit-data>'))


def reflector(udp_port, extra=""):
    return config(reflectors((INDEX, f"<ssid>{INDEX}</ssid><reflector-udp-port>{udp_port}</reflector-udp-port>"
                                     f"{extra}")))


def check_hello(m):
    caps = list(m.server_capabilities)
    library = [c for c in caps if c.startswith(YL_CAP + "?")]
    if len(library) != 1:
        fail(f"expected one {YL_CAP} capability, got {library}")
    params = parse_qs(urlsplit(library[0]).query)
    if params.get("revision") != ["2019-01-04"] or len(params.get("content-id", [""])[0]) == 0:
        fail(f"bad parameters in {library[0]}")
    if any(c.startswith("urn:ietf:params:netconf:capability:yang-library:1.0") for c in caps):
        fail("advertises :yang-library:1.0, whose /modules-state this server does not implement")
    if not any(c.startswith("urn:ietf:params:netconf:capability:with-operational-defaults:1.0?basic-mode=explicit")
               for c in caps):
        fail("no :with-operational-defaults, although get-data of operational takes with-defaults")
    if any(c.startswith("urn:ietf:params:netconf:capability:xpath") for c in caps):
        fail("advertises :xpath, which get-data refuses")
    modules = {}
    for c in caps:
        q = parse_qs(urlsplit(c).query)
        if "module" in q:
            modules[q["module"][0]] = q
    stamp = modules.get("stampd-stamp", {})
    if sorted(stamp.get("features", [""])[0].split(",")) != ["af-packet", "xdp"]:
        fail(f"stampd-stamp's capability lacks its features: {stamp}")
    if modules.get("ietf-yang-library", {}).get("deviations") != ["stampd-deviations"]:
        fail(f"ietf-yang-library's capability does not name its deviation: {modules.get('ietf-yang-library')}")
    print(f"OK hello: {library[0]}; {len(modules)} module capabilities with features and deviations")
    return params["content-id"][0], modules


def check_library(m, content_id, hello_modules, workdir):
    data = get_data(m, "operational", f'<subtree-filter><yang-library xmlns="{YL_NS}"/></subtree-filter>')
    lib = data.find("yl:yang-library", N)
    if lib is None:
        fail("get-data of ds:operational has no /yang-library")
    if lib.findtext("yl:content-id", namespaces=N) != content_id:
        fail(f"/yang-library/content-id {lib.findtext('yl:content-id', namespaces=N)} differs from the hello's "
             f"{content_id}")
    datastores = {}
    for d in lib.findall("yl:datastore", N):
        # the name is an identityref: its prefix is declared in the reply, ElementTree lost it; the local name
        datastores[d.findtext("yl:name", namespaces=N).split(":")[-1]] = d.findtext("yl:schema", namespaces=N)
    if sorted(datastores) != ["candidate", "operational", "running"]:
        fail(f"/yang-library lists the datastores {sorted(datastores)}")
    schemas = {s.findtext("yl:name", namespaces=N) for s in lib.findall("yl:schema", N)}
    if not set(datastores.values()) <= schemas:
        fail(f"datastores use schemas {datastores} not in {schemas}")
    modules = {}
    for kind in ("module", "import-only-module"):
        for mod in lib.findall(f"yl:module-set/yl:{kind}", N):
            modules[mod.findtext("yl:name", namespaces=N)] = (mod.findtext("yl:revision", namespaces=N) or "", kind,
                                                              mod.findtext("yl:namespace", namespaces=N))
    needed = ["ietf-yang-library", "ietf-datastores", "ietf-origin", "ietf-netconf-nmda", "ietf-netconf",
              "stampd-stamp"]
    for name in needed:
        if name not in modules or modules[name][1] != "module":
            fail(f"{name} is not an implemented module of the library: {modules.get(name)}")
    if modules["ietf-yang-library"][0] != "2019-01-04" or modules["ietf-netconf-nmda"][0] != "2019-01-07":
        fail(f"wrong revisions: {modules}")
    if sorted(modules) != sorted(hello_modules):
        fail(f"the library lists {sorted(modules)}, the hello {sorted(hello_modules)}")
    stamp = lib.find("yl:module-set/yl:module[yl:name='stampd-stamp']", N)
    if sorted(f.text for f in stamp.findall("yl:feature", N)) != ["af-packet", "xdp"]:
        fail("stampd-stamp's features are not in the library")
    print(f"OK /yang-library: content-id {content_id} as in the hello; datastores {sorted(datastores)}; "
          f"{len(modules)} modules, the same as the hello's")

    for name, (revision, kind, namespace) in sorted(modules.items()):
        text = m.get_schema(name, version=revision, format="yang").data
        if not re.search(r"\bmodule\s+" + re.escape(name) + r"\s*\{", text) or revision not in text \
                or f'"{namespace}"' not in text:
            fail(f"get-schema {name}@{revision} does not return that module: {text[:120]!r}")
        with open(os.path.join(workdir, f"{name}@{revision}.yang" if revision else f"{name}.yang"), "w") as f:
            f.write(text)
    print(f"OK get-schema returns each of the {len(modules)} modules of the library at its revision")
    return lib


def yanglint(workdir, label, element, modules, features, extra=()):
    """Validates ELEMENT (a top-level data node, or a <data> whose children are) with yanglint against MODULES
    fetched into WORKDIR; skipped only when yanglint is missing outside CI."""
    if shutil.which("yanglint") is None:
        if os.environ.get("CI") == "true":
            fail("yanglint missing (apt-get install libyang2-tools)")
        print(f"SKIP yanglint of {label}: yanglint missing")
        return
    nodes = list(element) if element.tag.endswith("}data") else [element]
    path = os.path.join(workdir, label.replace(" ", "-") + ".xml")
    with open(path, "w") as f:
        f.write("".join(ET.tostring(n, encoding="unicode") for n in nodes))
    files = [os.path.join(workdir, m) for m in modules]
    cmd = ["yanglint", "-D", "-p", workdir, "-t", "data", *extra]
    for feat in features:
        cmd += ["-F", feat]
    run = subprocess.run(cmd + files + [path], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        fail(f"yanglint refuses {label}: {run.stdout}{run.stderr}\n{' '.join(cmd)}")
    print(f"OK yanglint validates {label}")


def main():
    workdir = tempfile.mkdtemp(prefix="stampd-nmda-")
    try:
        with connect(host, port, user, password) as a, connect(host, port, user, password) as b:
            content_id, hello_modules = check_hello(a)
            lib = check_library(a, content_id, hello_modules, workdir)
            # the modules the library data refers to: its own, its deviation, ietf-datastores (whose identities
            # name the datastores: libyang accepts identityref values of implemented modules only, as the library
            # says ietf-datastores is)
            yl_files = ["ietf-yang-library@2019-01-04.yang", "stampd-deviations@2026-12-07.yang",
                        "ietf-datastores@2018-02-14.yang"]
            yanglint(workdir, "yang-library", lib, yl_files, [])

            # edit-data to the candidate, then commit: the session runs and shows in ds:operational
            edit_data(a, "candidate", reflector(udp))
            if a.get_config(source="candidate").data_xml.count(f"<session-index>{INDEX}</session-index>") != 1:
                fail("edit-data of ds:candidate did not reach the candidate")
            cand = get_data(a, "candidate")
            if cand.find("s:stamp/s:stamp-session-reflector/s:reflector-test-session", N) is None:
                fail("get-data of ds:candidate lacks the edit")
            if get_data(a, "running").find("s:stamp", N) is not None:
                fail("ds:running holds the uncommitted edit")
            a.commit()
            running = get_data(a, "running")
            if running.find("s:stamp/s:stamp-session-reflector/s:reflector-test-session", N) is None:
                fail("the committed session is not in ds:running")
            for top in running:
                if top.tag in (f"{{{STAMP_NS}}}stamp-state", f"{{{YL_NS}}}yang-library", f"{{{MON_NS}}}netconf-state"):
                    fail(f"get-data of ds:running returned state {top.tag}")
                if ORIGIN in top.attrib:
                    fail("ds:running carries origin annotations")
            print("OK edit-data of ds:candidate, commit; get-data of ds:candidate and ds:running: configuration only")

            oper = get_data(a, "operational", "<with-origin/>")
            stamp = oper.find("s:stamp", N)
            if stamp is None or stamp.get(ORIGIN) != "or:intended":
                fail(f"/stamp in ds:operational lacks or:origin=\"or:intended\": {None if stamp is None else stamp.attrib}")
            state = oper.find(f"s:stamp-state/s:stamp-session-refl-state/s:test-session-state"
                              f"[s:session-index='{INDEX}']", N)
            if state is None:
                fail("the committed reflector session is not in ds:operational's /stamp-state")
            for e in oper.find("s:stamp-state", N).iter():
                if ORIGIN in e.attrib:
                    fail(f"state node {e.tag} carries an origin")
            if oper.find("yl:yang-library", N) is None:
                fail("ds:operational lacks /yang-library")
            print(f"OK get-data of ds:operational with-origin: /stamp or:intended, the session's state (no origin)")

            all_defaults = get_data(a, "operational", "<with-origin/><with-defaults>report-all</with-defaults>"
                                    f'<subtree-filter><stamp xmlns="{STAMP_NS}"/></subtree-filter>')
            entry = all_defaults.find("s:stamp/s:stamp-session-reflector/s:reflector-test-session", N)
            enable = entry.find("s:test-session-enable", N)
            if enable is None or enable.get(ORIGIN) != "or:default":
                fail(f"report-all's default test-session-enable is not or:default: "
                     f"{None if enable is None else enable.attrib}")
            print("OK with-defaults report-all on ds:operational: the defaults in use are or:default")

            # the operational reply, origin annotations included, is valid data for libyang
            implemented = [f for f in os.listdir(workdir) if f.endswith(".yang")]
            feats = ["stampd-stamp:xdp,af-packet", "ietf-netconf:writable-running,candidate,confirmed-commit,"
                     "rollback-on-error,validate", "ietf-netconf-nmda:origin,with-defaults"]
            operational_only = get_data(a, "operational", "<with-origin/><subtree-filter>"
                                        f'<stamp xmlns="{STAMP_NS}"/><stamp-state xmlns="{STAMP_NS}"/>'
                                        f'<yang-library xmlns="{YL_NS}"/></subtree-filter>')
            yanglint(workdir, "operational with origins", operational_only, sorted(implemented), feats, ["-e"])

            # edit-data of running with a bad value: refused as edit-config refuses it
            bad = config(reflectors((INDEX, "<ssid>70000</ssid>")))
            by_config = error_of(lambda: a.edit_config(target="running", config=bad))
            by_data = error_of(lambda: edit_data(a, "running", bad))
            check_error("edit-config ssid 70000", by_config, "invalid-value",
                        path=f"/sstamp:stamp/sstamp:stamp-session-reflector/sstamp:reflector-test-session"
                             f"[sstamp:session-index='{INDEX}']/sstamp:ssid")
            check_error("edit-data ssid 70000", by_data, by_config.tag, path=by_config.path, etype=by_config.type)
            print(f"OK edit-data of ds:running with a bad value: {by_data.tag} at {by_data.path}, as edit-config")

            # a lock held by another session: edit-data is lock-denied, with the holder's session-id
            b.lock(target="running")
            denied = error_of(lambda: edit_data(a, "running", reflector(udp, "<dscp-value>8</dscp-value>")))
            check_error("edit-data of a locked running", denied, "lock-denied", etype="protocol",
                        info={"session-id": b.session_id})
            b.unlock(target="running")
            edit_data(a, "running", reflector(udp, "<dscp-value>8</dscp-value>"))
            print("OK a locked running refuses edit-data with lock-denied (error-info session-id of the holder);"
                  " after unlock it is accepted")

            # lock with an NMDA datastore (RFC 8526, 3.2), and the parameters RFC 8526 refuses
            a.dispatch(to_ele(f'<lock xmlns="{BASE_NS}"><target><datastore xmlns="{NMDA_NS}" xmlns:ds="{DS_NS}">'
                              f'ds:candidate</datastore></target></lock>'))
            check_error("lock of a locked candidate", error_of(lambda: b.lock(target="candidate")), "lock-denied",
                        etype="protocol")
            a.unlock(target="candidate")
            for label, call in [
                    ("with-origin on ds:running", lambda: get_data(a, "running", "<with-origin/>")),
                    ("get-data of ds:startup", lambda: get_data(a, "startup")),
                    ("edit-data of ds:operational", lambda: edit_data(a, "operational", reflector(udp)))]:
                check_error(label, error_of(call), "invalid-value", etype="protocol")
            check_error("xpath-filter", error_of(lambda: get_data(a, "operational", "<xpath-filter>/stamp"
                                                                  "</xpath-filter>")),
                        "operation-not-supported", etype="protocol")
            # ietf-netconf is in the model now (the library lists it): what it defines and stampd does not
            # implement stays refused as before, not run as a custom RPC without an implementation
            check_error("delete-config", error_of(lambda: a.delete_config(target="startup")),
                        "operation-not-supported")
            depth = get_data(a, "running", "<max-depth>1</max-depth>")
            if depth.find("s:stamp", N) is None or len(depth.find("s:stamp", N)):
                fail("max-depth 1 should give /stamp without children")
            print("OK lock of ds:candidate; with-origin on running, ds:startup, edit-data of ds:operational refused"
                  " (invalid-value); xpath-filter and delete-config operation-not-supported; max-depth 1")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    try:
        main()
    except Failure as f:
        print("FAIL", f)
        raise SystemExit(1)
