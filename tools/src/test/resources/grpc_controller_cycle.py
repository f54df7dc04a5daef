#!/usr/bin/python3
"""An EveryWAN-style controller driving two stampd agents over the gRPC southbound (package srv6pm),
with NETCONF (ncclient) beside it to check that both front ends see one configuration.

The full cycle in the original controller's order (Init; Create sender then reflector; Start reflector
then sender; poll GetStampSessionResults; Stop reflector then sender; Destroy reflector then sender;
Reset), checking that T1..T4 show the test bed's forward delay line, that nothing collected is lost
(the records drained equal the sender's rcv-packets), and every StatusCode a node can return.

usage: grpc_controller_cycle.py SENDER_HOST REFLECTOR_HOST GRPC_PORT NETCONF_PORT USER SENDER_PW REFLECTOR_PW
       SENDER_ADDR REFLECTOR_ADDR DELAY_US FWD_SEGMENTS RET_SEGMENTS SENDER_DEV REFLECTOR_DEV
(segments comma-separated) with the modules of tools/lib/grpc/python-stubs on PYTHONPATH.
Prints OK lines and PASS; exits 1 with FAIL on the first mismatch.
"""
import sys
import time
import xml.etree.ElementTree as ET

import grpc
from ncclient import manager
from ncclient.operations.rpc import RPCError

import stamp_common_pb2 as common
import stamp_reflector_pb2 as rpb
import stamp_reflector_pb2_grpc as rgrpc
import stamp_sender_pb2 as spb
import stamp_sender_pb2_grpc as sgrpc

NS = {"s": "urn:stampd:yang:stampd-stamp"}
STAMP_NS = NS["s"]
SSID = 7
NC_SSID = 9


class Failure(Exception):
    pass


def fail(msg):
    raise Failure(msg)


def status_name(code):
    return common.StatusCode.Name(code)


def expect(label, reply, status):
    got = status_name(reply.status)
    if got != status:
        fail("%s: %s (expected %s) description=%r" % (label, got, status, getattr(reply, "description", "")))
    if status not in ("STATUS_CODE_SUCCESS",) and hasattr(reply, "description") and not reply.description.strip():
        fail("%s: %s without a description" % (label, got))
    return reply


def nc(host, port, user, password):
    m = manager.connect(host=host, port=int(port), username=user, password=password, hostkey_verify=False,
                        allow_agent=False, look_for_keys=False, timeout=60)
    m.huge_tree = True
    return m


def running_sessions(m, kind):
    """{ssid: key} of the sender (kind='sender') or reflector sessions in running."""
    root = ET.fromstring(m.get_config(source="running").data_xml.encode())
    out = {}
    if kind == "sender":
        for e in root.iterfind(".//s:sender-test-session", NS):
            key = int(e.findtext("s:stamp-session-id", namespaces=NS))
            out[int(e.findtext("s:ssid", default=str(key & 0xFFFF), namespaces=NS))] = key
    else:
        for e in root.iterfind(".//s:reflector-test-session", NS):
            out[int(e.findtext("s:ssid", default="-1", namespaces=NS))] = int(e.findtext("s:session-index",
                                                                                        namespaces=NS))
    return out


def sender_state(m, key):
    flt = ('<stamp-state xmlns="%s"><stamp-session-sender-state><test-session-state><session-index>%d'
           '</session-index></test-session-state></stamp-session-sender-state></stamp-state>' % (STAMP_NS, key))
    root = ET.fromstring(m.get(filter=("subtree", flt)).data_xml.encode())
    return root.find(".//s:test-session-state", NS)


def reflector_state_present(m, key):
    flt = ('<stamp-state xmlns="%s"><stamp-session-refl-state><test-session-state><session-index>%d'
           '</session-index></test-session-state></stamp-session-refl-state></stamp-state>' % (STAMP_NS, key))
    root = ET.fromstring(m.get(filter=("subtree", flt)).data_xml.encode())
    return root.find(".//s:test-session-state", NS) is not None


def main(a):
    (s_host, r_host, grpc_port, nc_port, user, s_pw, r_pw, s_addr, r_addr, delay_us, fwd, ret, s_dev,
     r_dev) = a
    delay = int(delay_us) / 1e6
    fwd = fwd.split(",")
    ret = ret.split(",")
    s_nc = nc(s_host, nc_port, user, s_pw)
    r_nc = nc(r_host, nc_port, user, r_pw)
    with grpc.insecure_channel("[%s]:%s" % (s_host, grpc_port)) as sch, \
            grpc.insecure_channel("[%s]:%s" % (r_host, grpc_port)) as rch:
        snd = sgrpc.STAMPSessionSenderServiceStub(sch)
        rfl = rgrpc.STAMPSessionReflectorServiceStub(rch)
        t = dict(timeout=30)

        create_sender = spb.CreateStampSenderSessionRequest(
            ssid=SSID, sidlist=common.SRv6Path(segments=fwd), interval=1, interval_us=100000,
            stamp_params=spb.StampSenderParameters(reflector_ip=r_addr, reflector_udp_port=862))
        create_reflector = rpb.CreateStampReflectorSessionRequest(
            ssid=SSID, return_sidlist=common.SRv6Path(segments=ret),
            stamp_params=rpb.StampReflectorParameters(reflector_udp_port=862))

        # ---- before Init
        expect("sender Create before Init", snd.CreateStampSession(create_sender, **t), "STATUS_CODE_NOT_INITIALIZED")
        expect("sender Reset before Init", snd.Reset(spb.ResetStampSenderRequest(), **t), "STATUS_CODE_NOT_INITIALIZED")
        expect("reflector Start before Init", rfl.StartStampSession(rpb.StartStampReflectorSessionRequest(ssid=SSID), **t),
               "STATUS_CODE_NOT_INITIALIZED")
        expect("sender Init with an unknown interface",
               snd.Init(spb.InitStampSenderRequest(interfaces=["no-such-if0"]), **t), "STATUS_CODE_INVALID_ARGUMENT")
        print("OK before Init: NOT_INITIALIZED; an unknown interface: INVALID_ARGUMENT")

        # ---- Init
        expect("reflector Init", rfl.Init(rpb.InitStampReflectorRequest(
            reflector_udp_port=862, interfaces=[r_dev], stamp_source_ipv6_address=r_addr), **t), "STATUS_CODE_SUCCESS")
        expect("sender Init", snd.Init(spb.InitStampSenderRequest(
            sender_udp_port=0, interfaces=[s_dev], stamp_source_ipv6_address=s_addr), **t), "STATUS_CODE_SUCCESS")
        expect("sender Init again", snd.Init(spb.InitStampSenderRequest(), **t), "STATUS_CODE_ALREADY_INITIALIZED")
        print("OK Init on both; a second Init: ALREADY_INITIALIZED")

        # ---- Create, refused requests first
        bad = [
            ("ONE_WAY", dict(delay_measurement_mode=common.DELAY_MEASUREMENT_MODE_ONE_WAY)),
            ("LOOPBACK", dict(delay_measurement_mode=common.DELAY_MEASUREMENT_MODE_LOOPBACK)),
            ("HMAC without key chain", dict(auth_mode=common.AUTHENTICATION_MODE_HMAC_SHA_256)),
            ("HMAC with an unknown key chain", dict(auth_mode=common.AUTHENTICATION_MODE_HMAC_SHA_256,
                                                    key_chain="nope")),
            ("a reflector_ip that is not an address", dict(reflector_ip="fd00::zz")),
        ]
        for label, params in bad:
            p = spb.StampSenderParameters(reflector_ip=r_addr)
            for k, v in params.items():
                setattr(p, k, v)
            req = spb.CreateStampSenderSessionRequest(ssid=SSID, sidlist=common.SRv6Path(segments=fwd), interval=1,
                                                      stamp_params=p)
            r = expect("sender Create " + label, snd.CreateStampSession(req, **t), "STATUS_CODE_INVALID_ARGUMENT")
            print("OK Create %s: INVALID_ARGUMENT (%s)" % (label, r.description))
        r = expect("sender Create with SSID 70000", snd.CreateStampSession(spb.CreateStampSenderSessionRequest(
            ssid=70000, sidlist=common.SRv6Path(segments=fwd), interval=1), **t), "STATUS_CODE_INVALID_ARGUMENT")
        r = expect("sender Create with a forward path not ending at the reflector",
                   snd.CreateStampSession(spb.CreateStampSenderSessionRequest(
                       ssid=SSID, sidlist=common.SRv6Path(segments=[fwd[0]]), interval=1,
                       stamp_params=spb.StampSenderParameters(reflector_ip=r_addr)), **t),
                   "STATUS_CODE_INVALID_ARGUMENT")
        print("OK the node's own checks refuse at Create: %s" % r.description)
        if running_sessions(s_nc, "sender"):
            fail("refused Creates left sessions in running: %s" % running_sessions(s_nc, "sender"))

        # a NETCONF lock on running holds off a gRPC Create
        s_nc.lock(target="running")
        r = expect("sender Create while NETCONF locks running", snd.CreateStampSession(create_sender, **t),
                   "STATUS_CODE_INTERNAL_ERROR")
        if "locked" not in r.description or "NETCONF session" not in r.description:
            fail("the refusal does not name the NETCONF lock: %r" % r.description)
        r = expect("sender Reset while NETCONF locks running", snd.Reset(spb.ResetStampSenderRequest(), **t),
                   "STATUS_CODE_RESET_FAILED")
        s_nc.unlock(target="running")
        print("OK NETCONF lock on running: gRPC Create refused (%s); Reset: RESET_FAILED" % r.description)

        c = expect("sender Create", snd.CreateStampSession(create_sender, **t), "STATUS_CODE_SUCCESS")
        got = c.stamp_params
        if (got.reflector_ip != r_addr or got.reflector_udp_port != 862
                or got.auth_mode != common.AUTHENTICATION_MODE_UNAUTHENTICATED
                or got.timestamp_format != common.TIMESTAMP_FORMAT_NTP
                or got.packet_loss_type != common.PACKET_LOSS_TYPE_ROUND_TRIP
                or got.delay_measurement_mode != common.DELAY_MEASUREMENT_MODE_TWO_WAY):
            fail("Create's resolved parameters: %s" % got)
        expect("sender Create again", snd.CreateStampSession(create_sender, **t), "STATUS_CODE_SESSION_EXISTS")
        expect("reflector Create", rfl.CreateStampSession(create_reflector, **t), "STATUS_CODE_SUCCESS")
        expect("reflector Create stateful beside a stateless one", rfl.CreateStampSession(
            rpb.CreateStampReflectorSessionRequest(ssid=SSID + 1, stamp_params=rpb.StampReflectorParameters(
                session_reflector_mode=common.SESSION_REFLECTOR_MODE_STATEFUL)), **t), "STATUS_CODE_INVALID_ARGUMENT")
        print("OK Create sender then reflector; resolved parameters; a second Create: SESSION_EXISTS")

        skey = running_sessions(s_nc, "sender").get(SSID)
        rkey = running_sessions(r_nc, "reflector").get(SSID)
        if skey is None or rkey is None:
            fail("the gRPC sessions are not in NETCONF running (sender %s, reflector %s)" % (skey, rkey))
        st = sender_state(s_nc, skey)
        if st is None or not reflector_state_present(r_nc, rkey):
            fail("the gRPC sessions are not in NETCONF state")
        print("OK both sessions in NETCONF running and state (sender key %d, reflector key %d)" % (skey, rkey))

        # ---- Start reflector then sender
        expect("sender Stop before Start", snd.StopStampSession(spb.StopStampSenderSessionRequest(ssid=SSID), **t),
               "STATUS_CODE_SESSION_NOT_RUNNING")
        expect("reflector Start", rfl.StartStampSession(rpb.StartStampReflectorSessionRequest(ssid=SSID), **t),
               "STATUS_CODE_SUCCESS")
        expect("sender Start", snd.StartStampSession(spb.StartStampSenderSessionRequest(ssid=SSID), **t),
               "STATUS_CODE_SUCCESS")
        expect("sender Start again", snd.StartStampSession(spb.StartStampSenderSessionRequest(ssid=SSID), **t),
               "STATUS_CODE_SESSION_RUNNING")
        expect("reflector Start again", rfl.StartStampSession(rpb.StartStampReflectorSessionRequest(ssid=SSID), **t),
               "STATUS_CODE_SESSION_RUNNING")
        expect("sender Start of an unknown SSID", snd.StartStampSession(
            spb.StartStampSenderSessionRequest(ssid=99), **t), "STATUS_CODE_SESSION_NOT_FOUND")
        print("OK Start reflector then sender; again: SESSION_RUNNING; unknown SSID: SESSION_NOT_FOUND")

        # ---- poll while it measures (every 100 ms: interval_us)
        results = []
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            time.sleep(1)
            n = snd.GetResultsCounter(spb.StampResultsCountersRequest(ssid=SSID), **t)
            expect("GetResultsCounter", n, "STATUS_CODE_SUCCESS")
            got = expect("GetStampSessionResults", snd.GetStampSessionResults(
                spb.GetStampSessionResultsRequest(ssid=SSID), **t), "STATUS_CODE_SUCCESS").results
            if len(got) < n.num_results:
                fail("GetResultsCounter said %d, GetStampSessionResults gave %d" % (n.num_results, len(got)))
            results.extend(got)
        if len(results) < 20:
            fail("only %d results in 4 s at 10 per second" % len(results))
        print("OK %d results polled while running; GetResultsCounter agrees" % len(results))

        # ---- Stop reflector then sender: nothing collected is lost
        expect("reflector Stop", rfl.StopStampSession(rpb.StopStampReflectorSessionRequest(ssid=SSID), **t),
               "STATUS_CODE_SUCCESS")
        expect("sender Stop", snd.StopStampSession(spb.StopStampSenderSessionRequest(ssid=SSID), **t),
               "STATUS_CODE_SUCCESS")
        expect("sender Stop again", snd.StopStampSession(spb.StopStampSenderSessionRequest(ssid=SSID), **t),
               "STATUS_CODE_SESSION_NOT_RUNNING")
        expect("reflector Stop again", rfl.StopStampSession(rpb.StopStampReflectorSessionRequest(ssid=SSID), **t),
               "STATUS_CODE_SESSION_NOT_RUNNING")
        time.sleep(2.5)  # the last replies' loss timeout
        tail = expect("GetStampSessionResults after Stop", snd.GetStampSessionResults(
            spb.GetStampSessionResultsRequest(ssid=SSID), **t), "STATUS_CODE_SUCCESS").results
        results.extend(tail)
        st = sender_state(s_nc, skey)
        rcv = int(st.findtext("s:current-stats/s:rcv-packets", namespaces=NS))
        if len(results) != rcv:
            fail("drained %d results, the sender received %d replies: something was lost or doubled"
                 % (len(results), rcv))
        seqs = [r.test_pkt_tx_timestamp for r in results]
        if seqs != sorted(seqs) or len(set(seqs)) != len(seqs):
            fail("results out of order or repeated")
        empty = snd.GetStampSessionResults(spb.GetStampSessionResultsRequest(ssid=SSID), **t).results
        if len(empty):
            fail("a second drain returned %d results again" % len(empty))
        print("OK Stop; %d results in all, %d after Stop = rcv-packets %d; a second drain is empty"
              % (len(results), len(tail), rcv))

        # ---- T1..T4 show the delay line (forward) and little else
        for r in results:
            if r.ssid != SSID:
                fail("result of SSID %d" % r.ssid)
            fwd_delay = r.test_pkt_rx_timestamp - r.test_pkt_tx_timestamp
            turn = r.reply_pkt_tx_timestamp - r.test_pkt_rx_timestamp
            bwd_delay = r.reply_pkt_rx_timestamp - r.reply_pkt_tx_timestamp
            if not (delay - 0.0002 <= fwd_delay <= delay + 0.010):
                fail("T2-T1 = %.6f s, the delay line holds %.6f s" % (fwd_delay, delay))
            # The delay line spins a CPU for the whole delay and this machine has two: the reflector's
            # turn-around can wait that long too.
            if not (0 <= turn < 0.020):
                fail("T3-T2 = %.6f s: T3 must follow T2" % turn)
            if not (0 <= bwd_delay < 0.005):
                fail("T4-T3 = %.6f s on the undelayed return path" % bwd_delay)
        if all(r.reply_pkt_tx_timestamp == r.test_pkt_rx_timestamp for r in results):
            fail("T2 equals T3 in every result")
        avg = sum(r.test_pkt_rx_timestamp - r.test_pkt_tx_timestamp for r in results) / len(results)
        print("OK T1..T4 of every result: forward %.3f ms average (delay line %.3f ms), T3 after T2, backward small"
              % (avg * 1e3, delay * 1e3))

        # ---- a NETCONF-created session is reachable over gRPC by its SSID
        s_nc.edit_config(target="candidate", config=(
            '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><stamp xmlns="%s"><stamp-session-sender>'
            '<sender-test-session><stamp-session-id>900</stamp-session-id><test-session-enable>false'
            '</test-session-enable><ssid>%d</ssid><interval>100000</interval><sender-ip>%s</sender-ip>'
            '<session-reflector-ip>%s</session-reflector-ip></sender-test-session></stamp-session-sender></stamp>'
            '</config>' % (STAMP_NS, NC_SSID, s_addr, r_addr)))
        s_nc.commit()
        expect("gRPC Start of the NETCONF session", snd.StartStampSession(
            spb.StartStampSenderSessionRequest(ssid=NC_SSID), **t), "STATUS_CODE_SUCCESS")
        st = sender_state(s_nc, 900)
        if st is None or st.findtext("s:sender-session-state", namespaces=NS) != "active":
            fail("the NETCONF session did not become active: %s" % (None if st is None else ET.tostring(st)))
        expect("gRPC Destroy of the NETCONF session", snd.DestroyStampSession(
            spb.DestroyStampSenderSessionRequest(ssid=NC_SSID), **t), "STATUS_CODE_SUCCESS")
        if 900 in running_sessions(s_nc, "sender").values():
            fail("gRPC Destroy left the NETCONF session in running")
        print("OK a session made over NETCONF: started and destroyed over gRPC by SSID %d" % NC_SSID)

        # ---- Destroy reflector then sender, Reset
        expect("reflector Destroy", rfl.DestroyStampSession(rpb.DestroyStampReflectorSessionRequest(ssid=SSID), **t),
               "STATUS_CODE_SUCCESS")
        expect("sender Destroy", snd.DestroyStampSession(spb.DestroyStampSenderSessionRequest(ssid=SSID), **t),
               "STATUS_CODE_SUCCESS")
        expect("sender Destroy again", snd.DestroyStampSession(spb.DestroyStampSenderSessionRequest(ssid=SSID), **t),
               "STATUS_CODE_SESSION_NOT_FOUND")
        r = snd.GetResultsCounter(spb.StampResultsCountersRequest(ssid=SSID), **t)
        expect("GetResultsCounter of a destroyed session", r, "STATUS_CODE_SESSION_NOT_FOUND")
        if running_sessions(s_nc, "sender") or running_sessions(r_nc, "reflector"):
            fail("Destroy left sessions in running")
        if sender_state(s_nc, skey) is not None or reflector_state_present(r_nc, rkey):
            fail("Destroy left sessions in the state")
        # ---- what the original accepted at Create and then failed at: HMAC, PTP, a stateful reflector
        key = ('<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><stamp xmlns="%s"><key-chains><key-chain>'
               '<name>k1</name><key>00112233445566778899aabbccddeeff</key></key-chain></key-chains></stamp></config>'
               % STAMP_NS)
        for m in (s_nc, r_nc):
            m.edit_config(target="candidate", config=key)
            m.commit()
        expect("reflector Create HMAC PTP stateful", rfl.CreateStampSession(rpb.CreateStampReflectorSessionRequest(
            ssid=11, return_sidlist=common.SRv6Path(segments=ret), stamp_params=rpb.StampReflectorParameters(
                reflector_udp_port=862, auth_mode=common.AUTHENTICATION_MODE_HMAC_SHA_256, key_chain="k1",
                timestamp_format=common.TIMESTAMP_FORMAT_PTPv2,
                session_reflector_mode=common.SESSION_REFLECTOR_MODE_STATEFUL)), **t), "STATUS_CODE_SUCCESS")
        c = expect("sender Create HMAC PTP", snd.CreateStampSession(spb.CreateStampSenderSessionRequest(
            ssid=11, sidlist=common.SRv6Path(segments=fwd), interval=1, interval_us=100000,
            stamp_params=spb.StampSenderParameters(reflector_ip=r_addr, auth_mode=common.AUTHENTICATION_MODE_HMAC_SHA_256,
                                                   key_chain="k1", timestamp_format=common.TIMESTAMP_FORMAT_PTPv2)),
            **t), "STATUS_CODE_SUCCESS")
        if c.stamp_params.auth_mode != common.AUTHENTICATION_MODE_HMAC_SHA_256 or \
                c.stamp_params.timestamp_format != common.TIMESTAMP_FORMAT_PTPv2:
            fail("resolved parameters lost HMAC or PTP: %s" % c.stamp_params)
        expect("reflector Start 11", rfl.StartStampSession(rpb.StartStampReflectorSessionRequest(ssid=11), **t),
               "STATUS_CODE_SUCCESS")
        expect("sender Start 11", snd.StartStampSession(spb.StartStampSenderSessionRequest(ssid=11), **t),
               "STATUS_CODE_SUCCESS")
        time.sleep(2)
        expect("sender Stop 11", snd.StopStampSession(spb.StopStampSenderSessionRequest(ssid=11), **t),
               "STATUS_CODE_SUCCESS")
        time.sleep(2.5)
        got = expect("GetStampSessionResults 11", snd.GetStampSessionResults(
            spb.GetStampSessionResultsRequest(ssid=11), **t), "STATUS_CODE_SUCCESS").results
        if len(got) < 10:
            fail("HMAC + PTP + stateful: only %d results in 2 s at 10 per second" % len(got))
        for r in got:
            if not (delay - 0.0002 <= r.test_pkt_rx_timestamp - r.test_pkt_tx_timestamp <= delay + 0.010):
                fail("HMAC + PTP: T2-T1 = %.6f s" % (r.test_pkt_rx_timestamp - r.test_pkt_tx_timestamp))
        print("OK HMAC-SHA-256 (key chain k1), PTPv2 and a stateful reflector, accepted at Create: %d results,"
              " T2-T1 the delay line" % len(got))
        expect("reflector Destroy 11", rfl.DestroyStampSession(rpb.DestroyStampReflectorSessionRequest(ssid=11), **t),
               "STATUS_CODE_SUCCESS")

        expect("sender Reset", snd.Reset(spb.ResetStampSenderRequest(), **t), "STATUS_CODE_SUCCESS")
        expect("reflector Reset", rfl.Reset(rpb.ResetStampReflectorRequest(), **t), "STATUS_CODE_SUCCESS")
        expect("sender Create after Reset", snd.CreateStampSession(create_sender, **t), "STATUS_CODE_NOT_INITIALIZED")
        print("OK Destroy reflector then sender: gone from NETCONF running and state; Reset; NOT_INITIALIZED after")
    s_nc.close_session()
    r_nc.close_session()
    print("PASS")


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Failure as e:
        print("FAIL", e)
        sys.exit(1)
    except (grpc.RpcError, RPCError) as e:
        print("FAIL unexpected error:", e)
        sys.exit(1)
