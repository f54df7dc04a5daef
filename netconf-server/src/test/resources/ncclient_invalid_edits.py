#!/usr/bin/python3
"""Sends invalid configurations to a stampd agent and checks that each is refused with the error-tag,
error-type and error-path that RFC 6241 (appendix A) and RFC 7950 (section 15) prescribe, at the step
where it belongs (edit-config for what the request alone shows to be wrong, commit for what only the
whole configuration shows), and that running is unchanged after each.

usage: ncclient_invalid_edits.py HOST PORT USER PASSWORD REFLECTOR_PORT BUSY_UDP_PORT
  REFLECTOR_PORT: a free UDP port for the baseline reflector session
  BUSY_UDP_PORT:  a UDP port some other socket holds (for "port already in use")
"""
import sys

from nc_common import (REFLECTORS, SENDERS, Failure, args, canonical, check_error, config, connect, error_of,
                       reflector, sender)

host, port, user, password, rport, busy = args()[:6]
S1 = f"{SENDERS}[sstamp:stamp-session-id='1']"
R10 = f"{REFLECTORS}[sstamp:session-index='10']"

BASELINE = config(
    "<key-chains><key-chain><name>lab</name><key>00112233445566778899aabbccddeeff</key></key-chain></key-chains>"
    + sender(1, "<test-session-enable>false</test-session-enable><ssid>100</ssid><sender-ip>::1</sender-ip>"
                f"<session-reflector-ip>::1</session-reflector-ip>"
                f"<session-reflector-udp-port>{rport}</session-reflector-udp-port>")
    + reflector(10, f"<ssid>100</ssid><reflector-udp-port>{rport}</reflector-udp-port>"))


def s1(body, attrs=""):
    return config(sender(1, body, attrs))


def new_sender(sid, body):
    return config(sender(sid, f"<test-session-enable>false</test-session-enable>{body}"))


def segments(n):
    return "".join(f"<segment>fc00::{i + 1:x}</segment>" for i in range(n))


# (label, config, step, error-tag, error-path (exact; "^prefix" for a prefix), extra checks)
CASES = [
    # wrong types and out-of-range values: invalid-value at edit-config, the leaf in error-path
    ("interval below its range", s1("<interval>10</interval>"), "edit", "invalid-value", f"{S1}/sstamp:interval", {}),
    ("interval not a number", s1("<interval>abc</interval>"), "edit", "invalid-value", f"{S1}/sstamp:interval", {}),
    ("interval negative", s1("<interval>-5</interval>"), "edit", "invalid-value", f"{S1}/sstamp:interval", {}),
    ("interval hexadecimal", s1("<interval>0x1000</interval>"), "edit", "invalid-value", f"{S1}/sstamp:interval", {}),
    ("ssid beyond uint16", s1("<ssid>70000</ssid>"), "edit", "invalid-value", f"{S1}/sstamp:ssid", {}),
    ("reflector port below 1024", s1("<session-reflector-udp-port>80</session-reflector-udp-port>"), "edit",
     "invalid-value", f"{S1}/sstamp:session-reflector-udp-port", {}),
    ("reflector port beyond 65535", s1("<session-reflector-udp-port>70000</session-reflector-udp-port>"), "edit",
     "invalid-value", f"{S1}/sstamp:session-reflector-udp-port", {}),
    ("packet length below 44", s1("<packet-length>20</packet-length>"), "edit", "invalid-value",
     f"{S1}/sstamp:packet-length", {}),
    ("dscp beyond 63", s1("<dscp-value>64</dscp-value>"), "edit", "invalid-value", f"{S1}/sstamp:dscp-value", {}),
    ("percentile 100", s1("<first-percentile>100</first-percentile>"), "edit", "invalid-value",
     f"{S1}/sstamp:first-percentile", {}),
    ("percentile with 3 fraction digits", s1("<second-percentile>99.123</second-percentile>"), "edit",
     "invalid-value", f"{S1}/sstamp:second-percentile", {}),
    ("bad IPv6 address", s1("<session-reflector-ip>2001:db8::zz</session-reflector-ip>"), "edit", "invalid-value",
     f"{S1}/sstamp:session-reflector-ip", {}),
    ("IPv4 sender with an IPv6 reflector", s1("<sender-ip>192.0.2.1</sender-ip>"), "commit", "invalid-value",
     f"{S1}/sstamp:sender-ip", {}),
    ("not an IP address", s1("<sender-ip>192.0.2.300</sender-ip>"), "edit", "invalid-value",
     f"{S1}/sstamp:sender-ip", {}),
    ("bad enum", s1("<sender-timestamp-format>unix-format</sender-timestamp-format>"), "edit", "invalid-value",
     f"{S1}/sstamp:sender-timestamp-format", {}),
    ("union: 0 packets", s1("<number-of-packets>0</number-of-packets>"), "edit", "invalid-value",
     f"{S1}/sstamp:number-of-packets", {}),
    ("boolean 'yes'", s1("<test-session-enable>yes</test-session-enable>"), "edit", "invalid-value",
     f"{S1}/sstamp:test-session-enable", {}),
    ("data plane not in the enumeration", config("<data-plane><type>dpdk</type><interface>eth0</interface>"
     "</data-plane>"), "edit", "invalid-value", "/sstamp:stamp/sstamp:data-plane/sstamp:type", {}),
    ("af-packet without an interface", config("<data-plane><type>af-packet</type></data-plane>"), "commit",
     "data-missing", "/sstamp:stamp/sstamp:data-plane/sstamp:interface", {}),
    ("xdp without an interface", config("<data-plane><type>xdp</type></data-plane>"), "commit", "data-missing",
     "/sstamp:stamp/sstamp:data-plane/sstamp:interface", {}),
    ("socket bound to an interface", config("<data-plane><type>socket</type><interface>eth0</interface></data-plane>"),
     "commit", "invalid-value", "/sstamp:stamp/sstamp:data-plane/sstamp:interface", {}),
    ("interface name with a slash", config("<data-plane><interface>eth0/1</interface></data-plane>"), "edit",
     "invalid-value", "/sstamp:stamp/sstamp:data-plane/sstamp:interface", {}),
    ("key of odd length", config("<key-chains><key-chain><name>lab</name><key>abc</key></key-chain></key-chains>"),
     "edit", "invalid-value", "/sstamp:stamp/sstamp:key-chains/sstamp:key-chain[sstamp:name='lab']/sstamp:key", {}),
    # unknown elements and state data
    ("unknown leaf", s1("<intervall>1000</intervall>"), "edit", "unknown-element", f"{S1}/sstamp:intervall",
     {"info": {"bad-element": "intervall"}}),
    ("unknown container", config("<probes><probe/></probes>"), "edit", "unknown-element", "/sstamp:stamp/sstamp:probes",
     {"info": {"bad-element": "probes"}}),
    ("leaf with child elements", s1("<ssid><value>5</value></ssid>"), "edit", "unknown-element", f"{S1}/sstamp:ssid",
     {"info": {"bad-element": "value"}}),
    ("unknown namespace", '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><stamp xmlns="urn:example:nope"/>'
     "</config>", "edit", "unknown-namespace", None, {"info": {"bad-element": "stamp", "bad-namespace": "urn:example:nope"}}),
    ("state data in a configuration", '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
     '<stamp-state xmlns="urn:stampd:yang:stampd-stamp"><data-plane><type>socket</type></data-plane></stamp-state>'
     "</config>", "edit", "invalid-value", "/sstamp:stamp-state", {}),
    ("operation attribute 'none'", s1('<ssid xc:operation="none">5</ssid>'), "edit", "bad-attribute",
     f"{S1}/sstamp:ssid", {"etype": "protocol", "info": {"bad-attribute": "operation", "bad-element": "ssid"}}),
    # keys
    ("list entry without its key", config("<stamp-session-sender><sender-test-session><ssid>5</ssid>"
                                          "</sender-test-session></stamp-session-sender>"), "edit", "data-missing",
     SENDERS, {}),
    ("same key twice in one request", config("<stamp-session-sender>"
                                             "<sender-test-session><stamp-session-id>5</stamp-session-id></sender-test-session>"
                                             "<sender-test-session><stamp-session-id>5</stamp-session-id></sender-test-session>"
                                             "</stamp-session-sender>"), "edit", "invalid-value",
     f"{SENDERS}[sstamp:stamp-session-id='5']", {}),
    ("create of an existing session", config(sender(1, "", ' xc:operation="create"')), "edit", "data-exists", S1, {}),
    ("delete of a missing session", config(sender(99, "", ' xc:operation="delete"')), "edit", "data-missing",
     f"{SENDERS}[sstamp:stamp-session-id='99']", {}),
    ("delete of a missing leaf", s1('<dscp-value xc:operation="delete"/>'), "edit", "data-missing",
     f"{S1}/sstamp:dscp-value", {}),
    ("create of an existing key chain", config('<key-chains><key-chain xc:operation="create"><name>lab</name>'
                                               "<key>00</key></key-chain></key-chains>"), "edit", "data-exists",
     "/sstamp:stamp/sstamp:key-chains/sstamp:key-chain[sstamp:name='lab']", {}),
    # segment lists
    ("malformed segment", s1("<forward-path><segment>fc00::1::2</segment><segment>::1</segment></forward-path>"),
     "edit", "invalid-value", f"{S1}/sstamp:forward-path/sstamp:segment", {}),
    ("empty segment", s1("<forward-path><segment/><segment>::1</segment></forward-path>"), "edit", "invalid-value",
     f"{S1}/sstamp:forward-path/sstamp:segment", {}),
    ("segment twice", s1("<forward-path><segment>fc00::1</segment><segment>fc00::1</segment></forward-path>"), "edit",
     "invalid-value", f"{S1}/sstamp:forward-path/sstamp:segment[.='fc00::1']", {}),
    ("33 segments", s1(f"<forward-path>{segments(32)}<segment>::1</segment></forward-path>"), "edit",
     "operation-failed", f"{S1}/sstamp:forward-path/sstamp:segment", {"app_tag": "too-many-elements"}),
    ("forward path not ending at the reflector", s1("<forward-path><segment>fc00::1</segment></forward-path>"),
     "commit", "invalid-value", "^" + S1, {}),
    ("return path not ending at the sender", s1("<return-path><segment>fc00::1</segment></return-path>"), "commit",
     "invalid-value", "^" + S1, {}),
    # missing mandatory nodes (checked when the whole configuration is: on commit)
    ("sender without reflector address", new_sender(3, "<ssid>3</ssid>"), "commit", "data-missing",
     f"{SENDERS}[sstamp:stamp-session-id='3']/sstamp:session-reflector-ip", {}),
    ("key chain without key", config("<key-chains><key-chain><name>other</name></key-chain></key-chains>"), "commit",
     "data-missing", "/sstamp:stamp/sstamp:key-chains/sstamp:key-chain[sstamp:name='other']/sstamp:key", {}),
    ("security without a key", s1("<security/>"), "commit", "data-missing", f"{S1}/sstamp:security",
     {"app_tag": "missing-choice", "info": {"missing-choice": "key-source"}}),
    ("delay threshold without raise", s1("<thresholds><delay-threshold><metric>two-way-delay</metric>"
                                         "</delay-threshold></thresholds>"), "commit", "data-missing",
     f"{S1}/sstamp:thresholds/sstamp:delay-threshold[sstamp:metric='two-way-delay']/sstamp:raise", {}),
    # references, choices, uniqueness, the engine's rules
    ("key chain that does not exist", s1("<security><key-chain>nope</key-chain></security>"), "commit",
     "data-missing", f"{S1}/sstamp:security/sstamp:key-chain", {"app_tag": "instance-required"}),
    ("two cases of one choice", s1("<security><key-chain>lab</key-chain><key>0011</key></security>"), "edit",
     "invalid-value", f"{S1}/sstamp:security/sstamp:key", {}),
    ("sender not unique", new_sender(2, f"<ssid>100</ssid><session-reflector-ip>::1</session-reflector-ip>"
                                        f"<session-reflector-udp-port>{rport}</session-reflector-udp-port>"), "commit",
     "operation-failed", f"{SENDERS}[sstamp:stamp-session-id='2']", {"app_tag": "data-not-unique"}),
    ("reflector session colliding with another", config(reflector(11, f"<reflector-udp-port>{rport}</reflector-udp-port>")),
     "commit", "data-exists", "^" + f"{REFLECTORS}[sstamp:session-index='11']", {}),
    ("threshold clear above raise", s1("<thresholds><delay-threshold><metric>two-way-delay</metric><raise>1000</raise>"
                                       "<clear>2000</clear></delay-threshold></thresholds>"), "commit",
     "invalid-value", "^" + f"{S1}/sstamp:thresholds/sstamp:delay-threshold[sstamp:metric='two-way-delay']", {}),
    ("reflector port already in use", config(reflector(12, f"<ssid>7</ssid><reflector-udp-port>{busy}</reflector-udp-port>")),
     "commit", "in-use", "^" + f"{REFLECTORS}[sstamp:session-index='12']", {}),
]


def main():
    failures = []
    with connect(host, port, user, password) as m:
        m.edit_config(target="candidate", config=BASELINE)
        m.commit()
        baseline = canonical(m.get_config(source="running").data_xml)
        print(f"OK baseline committed (sender 1, reflector 10 on UDP {rport})")
        for label, payload, step, tag, path, extra in CASES:
            try:
                err = error_of(lambda: m.edit_config(target="candidate", config=payload))
                seen = "edit"
                if err is None:
                    seen = "commit"
                    err = error_of(m.commit)
                exact = None if path is not None and path.startswith("^") else path
                prefix = path[1:] if path is not None and path.startswith("^") else None
                check_error(label, err, tag, path=exact, path_prefix=prefix, etype=extra.get("etype", "application"),
                            app_tag=extra.get("app_tag"), info=extra.get("info"))
                if seen != step:
                    raise Failure(f"{label}: refused at {seen}, expected at {step}")
                m.discard_changes()
                if canonical(m.get_config(source="running").data_xml) != baseline:
                    raise Failure(f"{label}: running changed")
                first = err._errlist[0] if getattr(err, "_errlist", None) else err
                print(f"OK {label}: {seen} -> {first.tag} {first.path or ''} ({first.message.strip()[:90]})")
            except Failure as f:
                failures.append(str(f))
                print("FAIL", f)
                m.discard_changes()
    print(f"{len(CASES)} invalid edits, {len(CASES) - len(failures)} refused as expected")
    if failures:
        sys.exit(1)
    print("PASS")


if __name__ == "__main__":
    main()
