#!/usr/bin/python3
"""NACM (RFC 8341) as clients see it, with three users of the agent's configuration file: the operator
puts "viewer" into the default group read-only and leaves "guest" in no group. viewer may get and
get-config, but edit-config (candidate and running), commit, copy-config, lock, kill-session and stampd's
own RPCs are refused with access-denied (error-type protocol); guest may run edit-config, but the writes
are refused with access-denied (error-type application) and a commit of a candidate holding changes guest
may not make is refused too; after all that running and the candidate are byte for byte what they were.
A rule that denies reading /stamp/key-chains hides the HMAC keys from viewer's get and get-config (and from
a content-match filter); /nacm itself is hidden from guest (default-deny-all); the denial counters of /nacm
count every refusal. Phase "restart" runs against the same agent restarted: /nacm survived in running.

usage: ncclient_nacm.py HOST PORT ADMIN ADMIN_PW VIEWER VIEWER_PW GUEST GUEST_PW first|restart UDP_PORT
"""
import sys
import xml.etree.ElementTree as ET

from ncclient.xml_ import to_ele

from nc_common import (BASE_NS, STAMP_NS, Failure, check_error, config, connect, error_of, fail, reflectors)

NACM_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-acm"
N = {"n": NACM_NS, "s": STAMP_NS}

host, port, admin, admin_pw, viewer, viewer_pw, guest, guest_pw, phase, udp = sys.argv[1:11]

KEY = "00112233445566778899aabbccddeeff"
STAMP = (f"<key-chains><key-chain><name>k1</name><key>{KEY}</key></key-chain></key-chains>"
         + reflectors((5, f"<ssid>5</ssid><reflector-udp-port>{udp}</reflector-udp-port>")))

READ_ONLY_RULES = "".join(
    f"<rule><name>permit-{op}</name><module-name>{module}</module-name><rpc-name>{op}</rpc-name>"
    f"<access-operations>exec</access-operations><action>permit</action></rule>"
    for module, op in [("ietf-netconf", "get"), ("ietf-netconf", "get-config"),
                       ("ietf-netconf-nmda", "get-data"), ("ietf-netconf-monitoring", "get-schema"),
                       ("notifications", "create-subscription")])

# viewer into read-only, guest into no group; the read-only rule-list gets a rule hiding the key chains first
NACM_EDIT = (f'<config xmlns="{BASE_NS}" xmlns:xc="{BASE_NS}"><nacm xmlns="{NACM_NS}">'
             f'<groups xc:operation="replace">'
             f'<group><name>operator</name><user-name>{admin}</user-name><user-name>grpc</user-name></group>'
             f'<group><name>read-only</name><user-name>{viewer}</user-name></group></groups>'
             f'<rule-list xc:operation="replace"><name>read-only</name><group>read-only</group>'
             f'<rule><name>hide-keys</name><path>/sstamp:stamp/sstamp:key-chains</path>'
             f'<access-operations>read</access-operations><action>deny</action>'
             f'<comment>HMAC keys are secrets</comment></rule>'
             f'<rule><name>read-everything</name><access-operations>read</access-operations>'
             f'<action>permit</action></rule>{READ_ONLY_RULES}'
             f'<rule><name>deny-other-operations</name><rpc-name>*</rpc-name><access-operations>exec'
             f'</access-operations><action>deny</action></rule></rule-list></nacm></config>')


def flt(body):
    return f'<filter xmlns="{BASE_NS}" type="subtree">{body}</filter>'


def tree(xml_text):
    return ET.fromstring(xml_text.encode())


def counters(m):
    nacm = tree(m.get(filter=flt(f'<nacm xmlns="{NACM_NS}"/>')).data_xml).find("n:nacm", N)
    if nacm is None:
        fail("/nacm is not readable by the operator")
    return {k: int(nacm.findtext(f"n:{k}", default="-1", namespaces=N))
            for k in ("denied-operations", "denied-data-writes", "denied-notifications")}


def users_of(m, group):
    data = tree(m.get_config(source="running", filter=flt(f'<nacm xmlns="{NACM_NS}"><groups/></nacm>')).data_xml)
    for g in data.findall("n:nacm/n:groups/n:group", N):
        if g.findtext("n:name", namespaces=N) == group:
            return sorted(u.text for u in g.findall("n:user-name", N))
    return None


def has_keys(xml_text):
    return tree(xml_text).find("s:stamp/s:key-chains", N) is not None or KEY in xml_text


def denied(label, call, etype, path_prefix=None):
    check_error(label, error_of(call), "access-denied", etype=etype, path_prefix=path_prefix)


def first():
    a = connect(host, port, admin, admin_pw)
    # the documented defaults, written into running at the first start
    operators = users_of(a, "operator")
    if operators != sorted([admin, viewer, guest, "grpc"]):
        fail(f"seeded group operator holds {operators}, expected every user of the file and grpc")
    if users_of(a, "read-only") != []:
        fail(f"seeded group read-only holds {users_of(a, 'read-only')}, expected nobody")
    print(f"OK first start: /nacm in running with group operator {operators} and an empty group read-only")

    a.edit_config(target="candidate", config=config(STAMP))
    a.commit()
    a.edit_config(target="running", config=NACM_EDIT)
    if users_of(a, "read-only") != [viewer] or users_of(a, "operator") != sorted([admin, "grpc"]):
        fail("the operator's edit of /nacm/groups did not take")
    print("OK the operator puts viewer into read-only, leaves guest in no group, and hides the key chains")
    check_viewer_and_guest(a)
    a.close_session()
    print("PASS")


def check_viewer_and_guest(a):
    before_running = a.get_config(source="running").data_xml
    before_candidate = a.get_config(source="candidate").data_xml
    if not has_keys(before_running):
        fail("the operator does not see the key chains")
    start = counters(a)

    v = connect(host, port, viewer, viewer_pw)
    got = v.get_config(source="running").data_xml
    if has_keys(got) or tree(got).find("s:stamp/s:stamp-session-reflector/s:reflector-test-session", N) is None:
        fail(f"viewer's get-config: key chains hidden and the reflector there expected, got {got}")
    everything = v.get(filter=flt(f'<stamp xmlns="{STAMP_NS}"/>')).data_xml
    if has_keys(everything):
        fail("viewer's get shows the key chains")
    probe = v.get_config(source="running", filter=flt(
        f'<stamp xmlns="{STAMP_NS}"><key-chains><key-chain><name>k1</name></key-chain></key-chains></stamp>')).data_xml
    if has_keys(probe) or len(tree(probe)):
        fail(f"a content-match filter on a hidden list found it: {probe}")
    if tree(v.get_config(source="running").data_xml).find("n:nacm/n:groups", N) is None:
        fail("read-only may read /nacm (read-everything)")
    nmda = "urn:ietf:params:xml:ns:yang:ietf-netconf-nmda"
    for ds in ("operational", "running"):
        reply = v.dispatch(to_ele(
            f'<get-data xmlns="{nmda}" xmlns:ds="urn:ietf:params:xml:ns:yang:ietf-datastores">'
            f'<datastore>ds:{ds}</datastore><subtree-filter><stamp xmlns="{STAMP_NS}"/></subtree-filter>'
            '</get-data>')).xml
        if has_keys(reply) or "reflector-test-session" not in reply:
            fail(f"viewer's get-data of ds:{ds}: key chains hidden and the reflector there expected, got {reply}")
    denied("viewer edit-data", lambda: v.dispatch(to_ele(
        f'<edit-data xmlns="{nmda}" xmlns:ds="urn:ietf:params:xml:ns:yang:ietf-datastores">'
        f'<datastore>ds:candidate</datastore><config>'
        f'<stamp xmlns="{STAMP_NS}"><stamp-session-reflector><reflector-test-session><session-index>6'
        '</session-index></reflector-test-session></stamp-session-reflector></stamp></config></edit-data>')),
        "protocol")
    print("OK viewer gets, get-configs and get-datas everything but the hidden key chains, even by content match;"
          " its edit-data is denied")

    change = config(reflectors((5, "<ssid>55</ssid>")))
    denied("viewer edit-config candidate", lambda: v.edit_config(target="candidate", config=change), "protocol")
    denied("viewer edit-config running", lambda: v.edit_config(target="running", config=change), "protocol")
    denied("viewer commit", lambda: v.commit(), "protocol")
    denied("viewer copy-config", lambda: v.copy_config(source="candidate", target="running"), "protocol")
    denied("viewer lock", lambda: v.lock("running"), "protocol")
    denied("viewer discard-changes", lambda: v.discard_changes(), "protocol")
    denied("viewer kill-session", lambda: v.kill_session(a.session_id), "protocol")
    denied("viewer stamp-sender-start", lambda: v.dispatch(to_ele(
        f'<stamp-sender-start xmlns="{STAMP_NS}"><stamp-session-id>1</stamp-session-id></stamp-sender-start>')),
        "protocol")
    viewer_denials = 9  # the eight above and the edit-data before them
    print("OK viewer's edit-config (candidate, running), commit, copy-config, lock, discard-changes, kill-session"
          " and stamp-sender-start: access-denied, error-type protocol")

    g = connect(host, port, guest, guest_pw)
    if tree(g.get_config(source="running").data_xml).find("n:nacm", N) is not None:
        fail("guest (no group) reads /nacm, which is default-deny-all")
    if not has_keys(g.get_config(source="running").data_xml):
        fail("guest (no group) should read the rest: read-default is permit")
    reflector5 = "/sstamp:stamp/sstamp:stamp-session-reflector/sstamp:reflector-test-session[sstamp:session-index='5']"
    denied("guest edit-config candidate", lambda: g.edit_config(target="candidate", config=change), "application",
           path_prefix=reflector5)
    denied("guest edit-config running", lambda: g.edit_config(target="running", config=change), "application",
           path_prefix=reflector5)
    denied("guest edit-config running test-only", lambda: g.edit_config(target="running", config=change,
                                                                      test_option="test-only"), "application")
    denied("guest delete", lambda: g.edit_config(target="running", config=config(
        f'<key-chains><key-chain xc:operation="delete"><name>k1</name></key-chain></key-chains>')), "application")
    denied("guest edit of /nacm", lambda: g.edit_config(target="running", config=(
        f'<config xmlns="{BASE_NS}"><nacm xmlns="{NACM_NS}"><enable-nacm>false</enable-nacm></nacm></config>')),
        "application")
    check_error("guest kill-session", error_of(lambda: g.kill_session(a.session_id)), "access-denied",
                etype="protocol")
    guest_writes, guest_ops = 5, 1
    print("OK guest (no group) may run edit-config, but every write is access-denied, error-type application,"
          " with the node's error-path; /nacm is hidden from it and kill-session denied (default-deny-all)")

    # a commit is checked against the candidate's changes, whoever made them
    a.edit_config(target="candidate", config=change)
    denied("guest commit of the operator's candidate change", lambda: g.commit(), "application",
           path_prefix=reflector5)
    denied("guest copy-config candidate to running", lambda: g.copy_config(source="candidate", target="running"),
           "application", path_prefix=reflector5)
    a.discard_changes()
    guest_writes += 2
    print("OK guest's commit and copy-config of a candidate holding changes guest may not make: access-denied")

    if a.get_config(source="running").data_xml != before_running:
        fail("running changed after the denied requests")
    if a.get_config(source="candidate").data_xml != before_candidate:
        fail("the candidate changed after the denied requests")
    a.lock("candidate")  # a modified candidate could not be locked
    a.unlock("candidate")
    print("OK running and the candidate are byte for byte what they were; the candidate is unmodified")

    end = counters(a)
    if end["denied-operations"] - start["denied-operations"] != viewer_denials + guest_ops:
        fail(f"denied-operations went {start['denied-operations']} -> {end['denied-operations']},"
             f" expected +{viewer_denials + guest_ops}")
    if end["denied-data-writes"] - start["denied-data-writes"] != guest_writes:
        fail(f"denied-data-writes went {start['denied-data-writes']} -> {end['denied-data-writes']},"
             f" expected +{guest_writes}")
    print(f"OK /nacm counters: denied-operations +{viewer_denials + guest_ops}, denied-data-writes +{guest_writes}")
    v.close_session()
    g.close_session()


def restart():
    a = connect(host, port, admin, admin_pw)
    if users_of(a, "read-only") != [viewer] or users_of(a, "operator") != sorted([admin, "grpc"]):
        fail(f"after the restart group read-only holds {users_of(a, 'read-only')}, operator"
             f" {users_of(a, 'operator')}")
    rules = tree(a.get_config(source="running", filter=flt(f'<nacm xmlns="{NACM_NS}"><rule-list/></nacm>')).data_xml)
    names = [r.findtext("n:name", namespaces=N) for r in rules.findall("n:nacm/n:rule-list/n:rule", N)]
    if "hide-keys" not in names:
        fail(f"the hide-keys rule did not survive the restart: {names}")
    access = {r.findtext("n:name", namespaces=N): r.findtext("n:access-operations", namespaces=N)
              for r in rules.findall("n:nacm/n:rule-list/n:rule", N)}
    if access["hide-keys"] != "read" or access["permit-all"] != "*":
        fail(f"access-operations read back as {access}")
    c = counters(a)
    if any(c.values()):
        fail(f"the denial counters count since the agent started, found {c}")
    print("OK /nacm survived the restart in running (groups, the added rule); the counters start at 0")
    check_viewer_and_guest(a)
    a.close_session()
    print("PASS")


if __name__ == "__main__":
    try:
        first() if phase == "first" else restart()
    except Failure as e:
        print(f"FAIL {e}")
        sys.exit(1)
