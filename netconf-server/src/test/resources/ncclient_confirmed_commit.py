#!/usr/bin/python3
"""Confirmed commit (RFC 6241 section 8.4, :confirmed-commit:1.1) checked on the wire: a Session-Reflector
committed with <confirmed/> answers STAMP test packets at once; if nobody confirms it in time, or its session
ends, or cancel-commit comes, the agent rolls running back and the reflector stops answering (the data plane
follows the configuration); a confirming commit keeps it; persist lets another session confirm or cancel.

usage: ncclient_confirmed_commit.py HOST PORT USER PASSWORD UDP_PORT1 UDP_PORT2 UDP_PORT3 UDP_PORT4
"""
import time

from nc_common import (Failure, answers, args, check_error, connect, error_of, fail, in_running,
                       reflector_on_port as reflector)

host, port, user, password, *udp = args()
udp = [int(p) for p in udp]


def wait_gone(m, index, udp_port, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not in_running(m, index):
            break
        time.sleep(0.2)
    else:
        fail(f"reflector {index} still in running {seconds} s later")
    if answers(index, udp_port, tries=2):
        fail(f"reflector {index} left running but still answers on UDP port {udp_port}")


def main():
    a = connect(host, port, user, password)
    if not any("confirmed-commit:1.1" in c for c in a.server_capabilities):
        fail("the hello does not advertise :confirmed-commit:1.1")

    a.edit_config(target="candidate", config=reflector(21, udp[0]))
    a.commit(confirmed=True, timeout="3")
    if not in_running(a, 21) or not answers(21, udp[0]):
        fail("the confirmed commit did not take effect on the wire")
    print("OK confirmed commit (3 s): reflector 21 answers at once")
    wait_gone(a, 21, udp[0], 10)
    print("OK not confirmed in time: running rolled back and reflector 21 no longer answers")

    a.edit_config(target="candidate", config=reflector(22, udp[1]))
    a.commit(confirmed=True, timeout="2")
    a.commit()
    time.sleep(3)
    if not in_running(a, 22) or not answers(22, udp[1]):
        fail("a confirmed commit was rolled back")
    print("OK confirming commit: reflector 22 stays and answers after the timeout")

    b = connect(host, port, user, password)
    b.edit_config(target="candidate", config=reflector(23, udp[2]))
    b.commit(confirmed=True, timeout="60", persist="token-23")
    b.close_session()
    time.sleep(0.5)
    if not in_running(a, 23) or not answers(23, udp[2]):
        fail("a persisted confirmed commit did not outlive its session")
    check_error("cancel-commit with a wrong persist-id", error_of(lambda: a.cancel_commit(persist_id="other")),
                "invalid-value")
    a.cancel_commit(persist_id="token-23")
    wait_gone(a, 23, udp[2], 5)
    print("OK persist: survives its session; cancel-commit with the persist-id rolls back and reflector 23 stops")

    c = connect(host, port, user, password)
    c.edit_config(target="candidate", config=reflector(24, udp[3]))
    c.commit(confirmed=True, timeout="60")
    check_error("another session's commit while one waits", error_of(a.commit), "operation-failed")
    c.close_session()
    wait_gone(a, 24, udp[3], 5)
    print("OK the session that made a confirmed commit without persist ends: rolled back, reflector 24 stops")

    check_error("cancel-commit with nothing pending", error_of(a.cancel_commit), "operation-failed")
    check_error("confirm-timeout 0", error_of(lambda: a.commit(confirmed=True, timeout="0")), "bad-element",
                etype="protocol")
    if not in_running(a, 22):
        fail("rollbacks took reflector 22 with them")
    print("OK errors: cancel-commit with none pending, confirm-timeout 0; reflector 22 untouched throughout")
    a.close_session()
    print("PASS")


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"FAIL {e}")
        raise SystemExit(1)
