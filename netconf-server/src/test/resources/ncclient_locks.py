#!/usr/bin/python3
"""Locks, the shared candidate and discard-changes across client sessions of a stampd agent (RFC 6241
sections 7.5, 7.6, 7.9, 8.3): a lock held by one session makes the other's lock, edit-config, commit,
discard-changes and copy-config fail with lock-denied naming the holder's session-id; every session sees
the one candidate; unlock and the end of the holder's session release the lock and discard what it left
uncommitted; a modified candidate cannot be locked; kill-session ends the holder; validate checks the
candidate.

usage: ncclient_locks.py HOST PORT USER PASSWORD
"""
import sys
import time
import xml.etree.ElementTree as ET

from nc_common import (BASE_NS, MON_NS, SENDERS, Failure, args, canonical, check_error, config, connect, error_of, fail, sender)

host, port, user, password = args()[:4]


def session(sid, ssid):
    return config(sender(sid, f"<test-session-enable>false</test-session-enable><ssid>{ssid}</ssid>"
                              "<session-reflector-ip>2001:db8::7</session-reflector-ip>"))


def has_session(xml, sid):
    return f"<stamp-session-id>{sid}</stamp-session-id>" in xml


def main():
    a = connect(host, port, user, password)
    b = connect(host, port, user, password)
    ida, idb = a.session_id, b.session_id
    print(f"OK two sessions: a={ida} b={idb}")

    a.lock(target="candidate")
    holder = {"session-id": str(ida)}
    check_error("b locks the locked candidate", error_of(lambda: b.lock(target="candidate")), "lock-denied",
                etype="protocol", info=holder)
    check_error("b edits the locked candidate", error_of(lambda: b.edit_config(target="candidate",
                                                                                 config=session(1, 1))),
                "lock-denied", etype="protocol", info=holder)
    check_error("b commits the locked candidate", error_of(b.commit), "lock-denied", etype="protocol", info=holder)
    check_error("b discards the locked candidate", error_of(b.discard_changes), "lock-denied", etype="protocol",
                info=holder)
    check_error("b copies running to the locked candidate",
                error_of(lambda: b.copy_config(source="running", target="candidate")), "lock-denied",
                etype="protocol", info=holder)
    print("OK candidate locked by a: b's lock, edit-config, commit, discard-changes, copy-config -> lock-denied")
    state = b.get(filter=(f'<filter xmlns="{BASE_NS}" type="subtree"><netconf-state xmlns="{MON_NS}"><datastores/>'
                          "</netconf-state></filter>")).data_xml
    held = ET.fromstring(state.encode()).findtext(
        "m:netconf-state/m:datastores/m:datastore[m:name='candidate']/m:locks/m:global-lock/m:locked-by-session",
        namespaces={"m": MON_NS})
    if held != str(ida):
        fail(f"/netconf-state/datastores shows the candidate locked by {held}, not {ida}: {state}")
    print("OK /netconf-state/datastores shows the candidate's lock and its holder")

    a.edit_config(target="candidate", config=session(1, 1))
    if not has_session(b.get_config(source="candidate").data_xml, 1):
        fail("b does not see a's change: the candidate is not shared")
    print("OK a's edit is visible to b in the one shared candidate")
    a.commit()
    if not has_session(b.get_config(source="running").data_xml, 1):
        fail("a's commit is not in running")
    check_error("b unlocks a's lock", error_of(lambda: b.unlock(target="candidate")), "operation-failed",
                etype="application")
    a.unlock(target="candidate")
    print("OK a commits under its lock; b cannot unlock a's lock; a unlocks")

    a.lock(target="running")
    holder = {"session-id": str(ida)}
    b.edit_config(target="candidate", config=session(2, 2))
    check_error("b commits while a locks running", error_of(b.commit), "lock-denied", etype="protocol", info=holder)
    check_error("b edits locked running", error_of(lambda: b.edit_config(target="running", config=session(3, 3))),
                "lock-denied", etype="protocol", info=holder)
    check_error("b locks locked running", error_of(lambda: b.lock(target="running")), "lock-denied",
                etype="protocol", info=holder)
    check_error("b copies to locked running", error_of(lambda: b.copy_config(source="candidate", target="running")),
                "lock-denied", etype="protocol", info=holder)
    print("OK running locked by a: b's commit, edit-config, lock, copy-config of running -> lock-denied")

    check_error("a locks the candidate b modified", error_of(lambda: a.lock(target="candidate")), "lock-denied",
                etype="protocol", info={"session-id": "0"})
    print("OK a modified candidate cannot be locked (lock-denied, session-id 0)")
    if not has_session(a.get_config(source="candidate").data_xml, 2):
        fail("b's uncommitted edit is not in the candidate")
    b.discard_changes()
    if canonical(b.get_config(source="candidate").data_xml) != canonical(b.get_config(source="running").data_xml):
        fail("discard-changes left the candidate different from running")
    print("OK discard-changes: the candidate is running again")
    a.unlock(target="running")
    b.commit()  # nothing to commit, and no lock in the way any more
    print("OK after a unlocks running, b commits")
    b.edit_config(target="running", config=session(6, 6))
    if not has_session(a.get_config(source="running").data_xml, 6) \
            or not has_session(a.get_config(source="candidate").data_xml, 6):
        fail("edit-config of running did not reach running (or the unmodified candidate does not follow it)")
    print("OK :writable-running: edit-config of running, and the unmodified candidate follows running")

    # a locks the candidate, edits, and ends its session: lock released, its changes discarded
    a.lock(target="candidate")
    a.edit_config(target="candidate", config=session(4, 4))
    a.close_session()
    deadline = time.monotonic() + 10
    while True:
        err = error_of(lambda: b.lock(target="candidate"))
        if err is None:
            break
        if time.monotonic() > deadline:
            fail(f"the lock of closed session {ida} was not released: {err.message}")
        time.sleep(0.2)
    if has_session(b.get_config(source="candidate").data_xml, 4):
        fail("the uncommitted change of the closed lock holder is still in the candidate")
    b.unlock(target="candidate")
    print("OK close-session of the lock holder releases the lock and discards its uncommitted changes")

    # the holder's connection drops without close-session
    c = connect(host, port, user, password)
    c.lock(target="running")
    c._session.close()
    deadline = time.monotonic() + 10
    while error_of(lambda: b.lock(target="running")) is not None:
        if time.monotonic() > deadline:
            fail("the lock of a dropped session was not released")
        time.sleep(0.2)
    b.unlock(target="running")
    print("OK a dropped connection releases its lock")

    # kill-session ends the holder of a lock
    d = connect(host, port, user, password)
    d.lock(target="running")
    check_error("b commits while d locks running", error_of(b.commit), "lock-denied", etype="protocol",
                info={"session-id": str(d.session_id)})
    check_error("b kills itself", error_of(lambda: b.kill_session(idb)), "invalid-value", etype="application")
    b.kill_session(d.session_id)
    b.lock(target="running")
    b.unlock(target="running")
    print(f"OK kill-session {d.session_id} releases its lock on running")

    # validate of the candidate and of running
    b.edit_config(target="candidate", config=config(sender(5, "<ssid>5</ssid>")))
    check_error("validate an incomplete candidate", error_of(lambda: b.validate(source="candidate")), "data-missing",
                path=f"{SENDERS}[sstamp:stamp-session-id='5']/sstamp:session-reflector-ip")
    b.validate(source="running")
    b.discard_changes()
    b.validate(source="candidate")
    print("OK validate: refuses the incomplete candidate with data-missing, accepts running")
    b.close_session()
    print("PASS")


if __name__ == "__main__":
    try:
        main()
    except Failure as f:
        print("FAIL", f)
        sys.exit(1)
