"""An EveryWAN-style controller in miniature: calls every rpc of both srv6pm services once, in the
order the original controller uses (create: sender then reflector; start, stop, destroy: reflector
then sender), and prints each reply on one line, "Service.Rpc: <reply in text format>".

Usage: southbound_client.py HOST PORT, with the modules of tools/lib/grpc/python-stubs on
PYTHONPATH. If env STAMPD_GRPC_TOKEN is set, it is sent as "authorization: Bearer <token>", and a
first call without it must be refused with UNAUTHENTICATED. Exits 1 on any other gRPC error.
"""
import os
import sys

import grpc
from google.protobuf import text_format

import stamp_common_pb2 as common
import stamp_reflector_pb2 as reflector
import stamp_reflector_pb2_grpc as reflector_grpc
import stamp_sender_pb2 as sender
import stamp_sender_pb2_grpc as sender_grpc


def main(host, port):
    token = os.environ.get("STAMPD_GRPC_TOKEN")
    metadata = (("authorization", "Bearer " + token),) if token else ()
    with grpc.insecure_channel("%s:%s" % (host, port)) as channel:
        snd = sender_grpc.STAMPSessionSenderServiceStub(channel)
        rfl = reflector_grpc.STAMPSessionReflectorServiceStub(channel)

        if token:
            try:
                snd.Init(sender.InitStampSenderRequest(), timeout=10)
                print("unauthenticated: call without token was served")
                return 1
            except grpc.RpcError as e:
                print("unauthenticated: %s %s" % (e.code().name, e.details()))

        def call(name, rpc, request):
            reply = rpc(request, metadata=metadata, timeout=10)
            print("%s: %s" % (name, text_format.MessageToString(reply, as_one_line=True)))
            return reply

        call("Sender.Init", snd.Init, sender.InitStampSenderRequest(
            sender_udp_port=50000, interfaces=["eth0"], stamp_source_ipv6_address="fd00:12::1"))
        call("Reflector.Init", rfl.Init, reflector.InitStampReflectorRequest(
            reflector_udp_port=862, interfaces=["eth1", "eth2"], stamp_source_ipv6_address="fd00:23::3"))
        call("Sender.CreateStampSession", snd.CreateStampSession, sender.CreateStampSenderSessionRequest(
            ssid=7, sidlist=common.SRv6Path(segments=["fd00:ff::2", "fd00:23::3"]), interval=2,
            stamp_params=sender.StampSenderParameters(
                reflector_ip="fd00:23::3",
                auth_mode=common.AUTHENTICATION_MODE_UNAUTHENTICATED,
                packet_loss_type=common.PACKET_LOSS_TYPE_ROUND_TRIP,
                delay_measurement_mode=common.DELAY_MEASUREMENT_MODE_TWO_WAY),
            stamp_source_ipv6_address="fd00:12::1"))
        call("Reflector.CreateStampSession", rfl.CreateStampSession, reflector.CreateStampReflectorSessionRequest(
            ssid=7, return_sidlist=common.SRv6Path(segments=["fd00:ff::2", "fd00:12::1"]),
            stamp_params=reflector.StampReflectorParameters(
                reflector_udp_port=862, timestamp_format=common.TIMESTAMP_FORMAT_PTPv2),
            stamp_source_ipv6_address="fd00:23::3"))
        call("Reflector.StartStampSession", rfl.StartStampSession, reflector.StartStampReflectorSessionRequest(ssid=7))
        call("Sender.StartStampSession", snd.StartStampSession, sender.StartStampSenderSessionRequest(ssid=7))
        call("Sender.GetResultsCounter", snd.GetResultsCounter, sender.StampResultsCountersRequest(ssid=7))
        results = call("Sender.GetStampSessionResults", snd.GetStampSessionResults,
                       sender.GetStampSessionResultsRequest(ssid=7))
        for r in results.results:
            # repr: the shortest text that reads back as the same double
            print("result: ssid=%d T1=%r T2=%r T3=%r T4=%r" % (
                r.ssid, r.test_pkt_tx_timestamp, r.test_pkt_rx_timestamp,
                r.reply_pkt_tx_timestamp, r.reply_pkt_rx_timestamp))
        call("Reflector.StopStampSession", rfl.StopStampSession, reflector.StopStampReflectorSessionRequest(ssid=7))
        call("Sender.StopStampSession", snd.StopStampSession, sender.StopStampSenderSessionRequest(ssid=7))
        call("Reflector.DestroyStampSession", rfl.DestroyStampSession,
             reflector.DestroyStampReflectorSessionRequest(ssid=7))
        call("Sender.DestroyStampSession", snd.DestroyStampSession, sender.DestroyStampSenderSessionRequest(ssid=7))
        call("Reflector.Reset", rfl.Reset, reflector.ResetStampReflectorRequest())
        call("Sender.Reset", snd.Reset, sender.ResetStampSenderRequest())
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2]))
    except grpc.RpcError as e:
        print("gRPC error: %s %s" % (e.code().name, e.details()))
        sys.exit(1)
