#!/usr/bin/python3
"""<get> and <get-config> of a stampd agent: get returns the configuration merged with the state, subtree
filters select (several filter roots, containment, selection and content match nodes, list keys kept),
and the with-defaults modes of RFC 6243 report defaults taken from the YANG model: explicit (the basic
mode: what was set), report-all (also every default), trim (no value that equals its default).

usage: ncclient_get_and_defaults.py HOST PORT USER PASSWORD REFLECTOR_PORT
"""
import sys
import xml.etree.ElementTree as ET

from nc_common import (BASE_NS, MON_NS, STAMP_NS, Failure, args, check_error, config, connect, error_of, fail,
                       reflectors, sender)

host, port, user, password, rport = args()[:5]
N = {"s": STAMP_NS, "m": MON_NS, "nc": BASE_NS}

CONFIG = config(
    sender(1, "<test-session-enable>false</test-session-enable><ssid>1</ssid>"
              "<session-reflector-ip>2001:db8::7</session-reflector-ip>"
              # set explicitly to its default: explicit reports it, trim does not
              "<session-reflector-udp-port>862</session-reflector-udp-port>")
    + reflectors((10, f"<ssid>10</ssid><reflector-udp-port>{rport}</reflector-udp-port>"
                      "<dscp-handling-mode>use-configured-value</dscp-handling-mode>"),
                 (11, f"<ssid>11</ssid><reflector-udp-port>{rport}</reflector-udp-port>")))

S1 = "s:stamp/s:stamp-session-sender/s:sender-test-session[s:stamp-session-id='1']"


def tree(xml):
    return ET.fromstring(xml.encode())


def value(root, path):
    e = root.find(path, N)
    return None if e is None else (e.text or "").strip()


def expect(label, root, path, want):
    got = value(root, path)
    if got != want:
        fail(f"{label}: {path} is {got!r}, expected {want!r}")


def flt(*roots):
    return f'<filter xmlns="{BASE_NS}" type="subtree">{"".join(roots)}</filter>'


def main():
    with connect(host, port, user, password) as m:
        m.edit_config(target="candidate", config=CONFIG)
        m.commit()

        # with-defaults on get-config
        explicit = tree(m.get_config(source="running").data_xml)
        expect("explicit", explicit, f"{S1}/s:session-reflector-udp-port", "862")
        expect("explicit", explicit, f"{S1}/s:interval", None)
        expect("explicit", explicit, "s:stamp/s:data-plane/s:type", None)
        same = tree(m.get_config(source="running", with_defaults="explicit").data_xml)
        if ET.tostring(same) != ET.tostring(explicit):
            fail("with-defaults explicit differs from no with-defaults (the basic mode)")
        print("OK explicit (basic mode): what was set, including a value equal to its default; no other defaults")

        full = tree(m.get_config(source="running", with_defaults="report-all").data_xml)
        for path, want in [(f"{S1}/s:interval", "1000000"), (f"{S1}/s:number-of-packets", "forever"),
                           (f"{S1}/s:session-reflector-udp-port", "862"), (f"{S1}/s:loss-timeout", "2000"),
                           (f"{S1}/s:sender-timestamp-format", "ntp-format"), (f"{S1}/s:test-session-enable", "false"),
                           (f"{S1}/s:thresholds/s:evaluation-interval", "10"),
                           ("s:stamp/s:data-plane/s:type", "socket"),
                           ("s:stamp/s:stamp-session-sender/s:sender-enable", "true"),
                           ("s:stamp/s:stamp-session-reflector/s:ref-wait", "900"),
                           ("s:stamp/s:stamp-session-reflector/s:reflector-test-session[s:session-index='10']"
                            "/s:dscp-value", "0"),
                           ("s:stamp/s:stamp-session-reflector/s:reflector-test-session[s:session-index='11']"
                            "/s:dscp-handling-mode", "copy-received-value"),
                           ("s:stamp/s:stamp-session-reflector/s:reflector-test-session[s:session-index='11']"
                            "/s:dscp-value", None)]:
            expect("report-all", full, path, want)
        if value(full, f"{S1}/s:first-percentile") not in ("95.0", "95.00"):
            fail(f"report-all: first-percentile is {value(full, f'{S1}/s:first-percentile')}")
        print("OK report-all: YANG defaults of leaves, of non-presence containers, and dscp-value only where its"
              " when holds")

        trim = tree(m.get_config(source="running", with_defaults="trim").data_xml)
        expect("trim", trim, f"{S1}/s:session-reflector-udp-port", None)
        expect("trim", trim, f"{S1}/s:test-session-enable", "false")
        expect("trim", trim, f"{S1}/s:ssid", "1")
        expect("trim", trim, "s:stamp/s:stamp-session-reflector/s:reflector-test-session[s:session-index='10']"
                             "/s:dscp-handling-mode", "use-configured-value")
        print("OK trim: a value equal to its default is left out, others stay")

        # the same modes on get, with state
        got = tree(m.get(filter=flt(f'<stamp xmlns="{STAMP_NS}"><stamp-session-sender/></stamp>'),
                         with_defaults="report-all").data_xml)
        expect("get report-all", got, f"{S1}/s:interval", "1000000")
        got = tree(m.get(filter=flt(f'<stamp xmlns="{STAMP_NS}"><stamp-session-sender/></stamp>'),
                         with_defaults="trim").data_xml)
        expect("get trim", got, f"{S1}/s:session-reflector-udp-port", None)
        print("OK with-defaults on get")

        # get: configuration and state together
        everything = tree(m.get().data_xml)
        for path in [f"{S1}/s:ssid", "s:stamp-state", "m:netconf-state/m:schemas",
                     "m:netconf-state/m:datastores/m:datastore[m:name='candidate']"]:
            if everything.find(path, N) is None:
                fail(f"get lacks {path}")
        config_only = tree(m.get_config(source="running").data_xml)
        if config_only.find("s:stamp-state", N) is not None or config_only.find("m:netconf-state", N) is not None:
            fail("get-config returned state data")
        print("OK get returns running's configuration with the state; get-config only the configuration")

        # subtree filters: several roots; containment, selection, content match; keys kept
        two = tree(m.get(filter=flt(f'<stamp xmlns="{STAMP_NS}"><stamp-session-reflector><reflector-test-session>'
                                    f'<session-index>11</session-index></reflector-test-session>'
                                    f'</stamp-session-reflector></stamp>',
                                    f'<netconf-state xmlns="{MON_NS}"><datastores/></netconf-state>')).data_xml)
        rts = two.findall("s:stamp/s:stamp-session-reflector/s:reflector-test-session", N)
        if [value(r, "s:session-index") for r in rts] != ["11"]:
            fail(f"content match on the key selected {[value(r, 's:session-index') for r in rts]}")
        if value(rts[0], "s:ssid") != "11":
            fail("a list entry selected by a content match on its key lacks its other leaves")
        if two.find("m:netconf-state/m:datastores", N) is None or two.find("m:netconf-state/m:schemas", N) is not None:
            fail("second filter root not applied as a selection of datastores only")
        if two.find("s:stamp/s:stamp-session-sender", N) is not None:
            fail("filter let through what it did not select")
        print("OK two filter roots: a content match on a list key, a selection in another module")

        sel = tree(m.get_config(source="running", filter=flt(
            f'<stamp xmlns="{STAMP_NS}"><stamp-session-reflector><reflector-test-session><ssid/>'
            f'</reflector-test-session></stamp-session-reflector></stamp>')).data_xml)
        entries = sel.findall("s:stamp/s:stamp-session-reflector/s:reflector-test-session", N)
        if sorted(value(e, "s:session-index") for e in entries) != ["10", "11"]:
            fail("selection node inside a list: keys missing")
        if any(e.find("s:reflector-udp-port", N) is not None for e in entries):
            fail("selection node inside a list let other leaves through")
        print("OK selection node inside a list: that leaf of every entry, with the entry's key")

        none = tree(m.get_config(source="running", filter=flt(
            f'<stamp xmlns="{STAMP_NS}"><stamp-session-reflector><reflector-test-session><ssid>99</ssid>'
            f'</reflector-test-session></stamp-session-reflector></stamp>')).data_xml)
        if len(none):
            fail("a content match that matches nothing returned data")
        empty = tree(m.get_config(source="running", filter=f'<filter xmlns="{BASE_NS}" type="subtree"/>').data_xml)
        if len(empty):
            fail("an empty filter returned data")
        typed = tree(m.get_config(source="running", filter=flt(
            f'<stamp xmlns="{STAMP_NS}"><stamp-session-sender><sender-test-session>'
            f'<session-reflector-udp-port>0862</session-reflector-udp-port></sender-test-session>'
            f'</stamp-session-sender></stamp>')).data_xml)
        expect("typed content match", typed, f"{S1}/s:ssid", "1")
        print("OK content match compares typed values; no match and an empty filter select nothing")

        check_error("xpath filter", error_of(lambda: m.get(filter=("xpath", "/stamp"))), "operation-not-supported",
                    etype="protocol")
        print("OK an xpath filter is refused (operation-not-supported; :xpath is not advertised)")
    print("PASS")


if __name__ == "__main__":
    try:
        main()
    except Failure as f:
        print("FAIL", f)
        sys.exit(1)
