#!/usr/bin/python3
"""A confirmed commit left unconfirmed by an agent that is killed does not stay (RFC 6241 section 8.4):
phase "before" commits reflector 40 plainly and reflector 41 with <confirmed/> (600 s, persist) and checks both
answer STAMP test packets; the test then kills the agent (SIGKILL) and starts it again in the same
directory; phase "after" checks that reflector 41 is gone from running and silent on the wire, and that
reflector 40 is still there and answering.

usage: ncclient_confirmed_commit_restart.py HOST PORT USER PASSWORD PHASE UDP_PORT40 UDP_PORT41
"""
from nc_common import Failure, answers, args, connect, fail, in_running, reflector_on_port as reflector

host, port, user, password, phase, udp40, udp41 = args()
udp40, udp41 = int(udp40), int(udp41)


def main():
    m = connect(host, port, user, password)
    if phase == "before":
        m.edit_config(target="candidate", config=reflector(40, udp40))
        m.commit()
        m.edit_config(target="candidate", config=reflector(41, udp41))
        # persist: a confirmed commit without it would be rolled back when this session closes
        m.commit(confirmed=True, timeout="600", persist="crash-test")
        if not (in_running(m, 40) and in_running(m, 41) and answers(40, udp40) and answers(41, udp41)):
            fail("before the crash: reflectors 40 and 41 should both run")
        print("OK before: reflector 40 committed, 41 committed with <confirmed/> (600 s, persist); both answer")
    else:
        if in_running(m, 41) or answers(41, udp41, tries=2):
            fail("after the restart: the unconfirmed reflector 41 is still there")
        if not (in_running(m, 40) and answers(40, udp40)):
            fail("after the restart: reflector 40, committed before, is gone")
        print("OK after kill -9 and restart: the unconfirmed commit is undone (41 gone and silent), 40 stays")
    m.close_session()
    print("PASS")


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"FAIL {e}")
        raise SystemExit(1)
