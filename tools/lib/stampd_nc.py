#!/usr/bin/python3
"""A small NETCONF client for the agent (tests and tools/demo), on Debian's python3-ncclient.

usage: stampd_nc.py HOST PORT USER PASSWORD COMMAND [ARG]

commands (one NETCONF session each; results on stdout, the time taken on stderr):
  commit FILE       edit-config FILE (a <config> element) into candidate, then commit;
                    prints OK, or on an rpc-error "RPC-ERROR tag=.. path=.. message=.." and exits 3
                    (the candidate is discarded then)
  commit-each FILE...
                    commit of each FILE in turn in one session; prints "OK i" (i counts from 1) as
                    soon as the i-th commit's <ok/> arrived, or RPC-ERROR as above and exits 3
  get [FILTER]      <get> with an optional subtree filter (XML text); prints the <data> element
  get-config        <get-config> of running; prints the <data> element
  rpc FILE          sends the operation in FILE; prints the reply, or RPC-ERROR as above
  subscribe SECONDS create-subscription; prints SUBSCRIBED, then each notification on one line
                    as it arrives, until SECONDS have passed
  wait-get SECONDS XPATH
                    repeats <get> until XPATH (namespace prefix s: stampd-stamp) matches,
                    prints the elapsed milliseconds and the <data>; exits 4 on timeout
"""
import sys
import time

from lxml import etree
from ncclient import manager
from ncclient.operations.rpc import RPCError

NS = {"s": "urn:stampd:yang:stampd-stamp", "nc": "urn:ietf:params:xml:ns:netconf:base:1.0"}


def connect(host, port, user, password):
    m = manager.connect(host=host, port=int(port), username=user, password=password, hostkey_verify=False,
                        allow_agent=False, look_for_keys=False, timeout=60)
    m.huge_tree = True
    return m


def one_line(text):
    return " ".join(str(text or "").split())


def rpc_error(e):
    print(f"RPC-ERROR tag={e.tag} path={one_line(e.path)} message={one_line(e.message)}")
    sys.stdout.flush()
    sys.exit(3)


def main():
    host, port, user, password, command = sys.argv[1:6]
    args = sys.argv[6:]
    t0 = time.monotonic()
    with connect(host, port, user, password) as m:
        t1 = time.monotonic()
        if command == "commit":
            with open(args[0]) as f:
                config = f.read()
            try:
                m.edit_config(target="candidate", config=config)
                m.commit()
            except RPCError as e:
                try:
                    m.discard_changes()
                finally:
                    rpc_error(e)
            print("OK")
        elif command == "commit-each":
            for i, name in enumerate(args, start=1):
                with open(name) as f:
                    config = f.read()
                try:
                    m.edit_config(target="candidate", config=config)
                    m.commit()
                except RPCError as e:
                    rpc_error(e)
                print(f"OK {i}")
                sys.stdout.flush()
        elif command == "get":
            flt = ("subtree", args[0]) if args else None
            reply = m.get(filter=flt) if flt else m.get()
            print(reply.data_xml)
        elif command == "get-config":
            print(m.get_config(source="running").data_xml)
        elif command == "rpc":
            with open(args[0]) as f:
                op = f.read()
            try:
                reply = m.dispatch(etree.fromstring(op.encode()))
            except RPCError as e:
                rpc_error(e)
            print(reply.xml)
        elif command == "subscribe":
            m.create_subscription()
            print("SUBSCRIBED")
            sys.stdout.flush()
            deadline = time.monotonic() + float(args[0])
            while time.monotonic() < deadline:
                n = m.take_notification(block=True, timeout=max(0.1, deadline - time.monotonic()))
                if n is not None:
                    print(one_line(n.notification_xml))
                    sys.stdout.flush()
        elif command == "wait-get":
            deadline = time.monotonic() + float(args[0])
            while True:
                data = m.get().data_xml
                if etree.fromstring(data.encode()).xpath(args[1], namespaces=NS):
                    print(f"{1000 * (time.monotonic() - t1):.0f}")
                    print(data)
                    break
                if time.monotonic() > deadline:
                    print("TIMEOUT")
                    print(data)
                    sys.exit(4)
                time.sleep(0.05)
        else:
            print(f"unknown command {command}", file=sys.stderr)
            sys.exit(2)
        print(f"{command}: connect {1000 * (t1 - t0):.0f} ms, operation {1000 * (time.monotonic() - t1):.0f} ms",
              file=sys.stderr)


if __name__ == "__main__":
    main()
