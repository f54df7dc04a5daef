#!/usr/bin/python3
"""Drives a stampd agent with ncclient (Debian python3-ncclient): hello and capabilities,
edit-config of a sender session into candidate, commit, get-config from running, a commit the
agent refuses, and get-schema. Prints one line per step; exits non-zero on the first failure.

usage: ncclient_smoke.py HOST PORT USER PASSWORD
"""
import sys
import time

from ncclient import manager
from ncclient.operations.rpc import RPCError

NS = "urn:stampd:yang:stampd-stamp"


def sender_session(sid, reflector, segments=()):
    segs = "".join(f"<segment>{s}</segment>" for s in segments)
    path = f"<forward-path>{segs}</forward-path>" if segments else ""
    return f"""
<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <stamp xmlns="{NS}">
    <stamp-session-sender>
      <sender-test-session>
        <stamp-session-id>{sid}</stamp-session-id>
        <interval>100000</interval>
        <session-reflector-ip>{reflector}</session-reflector-ip>
        <session-reflector-udp-port>862</session-reflector-udp-port>
        {path}
      </sender-test-session>
    </stamp-session-sender>
  </stamp>
</config>"""


def fail(msg):
    print("FAIL", msg)
    sys.exit(1)


def main():
    host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    t0 = time.monotonic()
    with manager.connect(host=host, port=port, username=user, password=password, hostkey_verify=False,
                         allow_agent=False, look_for_keys=False, timeout=30) as m:
        print(f"OK connect+hello {1000 * (time.monotonic() - t0):.0f} ms session-id {m.session_id}")
        caps = list(m.server_capabilities)
        stamp_caps = [c for c in caps if "module=stampd-stamp" in c]
        if not stamp_caps:
            fail(f"no stampd-stamp module capability in {caps}")
        print("OK capability", stamp_caps[0])
        for needed in (":candidate", "urn:ietf:params:netconf:base:1.1"):
            if not any(needed in c for c in caps):
                fail(f"capability {needed} missing from {caps}")
        print("OK capabilities", len(caps), "incl. :candidate and base:1.1")

        t = time.monotonic()
        m.edit_config(target="candidate", config=sender_session(7, "2001:db8:b::1",
                                                                ["fc00:1::e", "2001:db8:b::1"]))
        m.commit()
        print(f"OK edit-config(candidate)+commit {1000 * (time.monotonic() - t):.0f} ms")

        flt = f'<stamp xmlns="{NS}"><stamp-session-sender/></stamp>'
        running = m.get_config(source="running", filter=("subtree", flt)).data_xml
        for needle in ("<stamp-session-id>7</stamp-session-id>", "2001:db8:b::1", "fc00:1::e",
                       "<interval>100000</interval>"):
            if needle not in running:
                fail(f"running lacks {needle}: {running}")
        if running.index("fc00:1::e") > running.rindex("2001:db8:b::1"):
            fail(f"segment order lost: {running}")
        print("OK get-config(running) has session 7 with its segment list in order")

        # The engine's rule: a forward segment list ends at the reflector. YANG cannot say it,
        # the commit hook does.
        m.edit_config(target="candidate", config=sender_session(8, "2001:db8:b::1",
                                                                ["fc00:1::e", "fc00:2::e"]))
        try:
            m.commit()
            fail("commit of a segment list not ending at the reflector was accepted")
        except RPCError as e:
            print("OK commit refused:", (e.message or "").strip().replace("\n", " ")[:200])
        m.discard_changes()
        running = m.get_config(source="running", filter=("subtree", flt)).data_xml
        if "<stamp-session-id>8</stamp-session-id>" in running:
            fail(f"refused session 8 is in running: {running}")
        if "<stamp-session-id>7</stamp-session-id>" not in running:
            fail(f"session 7 vanished from running: {running}")
        print("OK running unchanged after the refused commit")

        schema = m.get_schema("stampd-stamp").data
        if "module stampd-stamp" not in schema:
            fail(f"get-schema returned {schema[:200]}")
        print("OK get-schema stampd-stamp", len(schema), "chars")
    print("PASS")


if __name__ == "__main__":
    main()
