package io.stampd.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.stampd.grpc.srv6pm.STAMPSessionReflectorServiceGrpc;
import io.stampd.grpc.srv6pm.STAMPSessionSenderServiceGrpc;
import io.stampd.grpc.srv6pm.StampCommonProto;
import io.stampd.grpc.srv6pm.StampReflectorProto;
import io.stampd.grpc.srv6pm.StampSenderProto;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The compiled .proto files against the reference API (../shared/reference/grpc-southbound.md),
 * written out by hand below: every service, rpc, message field (name, number, type) and enum value.
 * A change to a .proto that would break an EveryWAN controller fails here.
 */
class GrpcDescriptorTest {
    private static final List<FileDescriptor> FILES = List.of(StampCommonProto.getDescriptor(),
            StampSenderProto.getDescriptor(), StampReflectorProto.getDescriptor());

    private static final String STATUS = "StatusCode status = 1; string description = 2";
    private static final String SSID = "uint32 ssid = 1";

    /** Message name -> its fields, "[repeated ]type name = number", in field number order. */
    private static final Map<String, String> MESSAGES = new TreeMap<>(Map.ofEntries(
            Map.entry("SRv6Path", "repeated string segments = 1"),
            // sender
            Map.entry("StampSenderParameters", "string reflector_ip = 2; uint32 reflector_udp_port = 3; "
                    + "AuthenticationMode auth_mode = 4; string key_chain = 5; TimestampFormat timestamp_format = 6; "
                    + "PacketLossType packet_loss_type = 7; DelayMeasurementMode delay_measurement_mode = 8"),
            Map.entry("StampSessionResult", "uint32 ssid = 1; double test_pkt_tx_timestamp = 2; "
                    + "double reply_pkt_tx_timestamp = 3; double reply_pkt_rx_timestamp = 4; "
                    + "double test_pkt_rx_timestamp = 5"),
            Map.entry("InitStampSenderRequest", "uint32 sender_udp_port = 1; repeated string interfaces = 2; "
                    + "string stamp_source_ipv6_address = 5"),
            Map.entry("InitStampSenderReply", STATUS),
            Map.entry("ResetStampSenderRequest", ""),
            Map.entry("ResetStampSenderReply", STATUS),
            Map.entry("CreateStampSenderSessionRequest", "uint32 ssid = 1; SRv6Path sidlist = 2; uint32 interval = 3; "
                    + "StampSenderParameters stamp_params = 4; string stamp_source_ipv6_address = 5"),
            Map.entry("CreateStampSenderSessionReply", STATUS + "; StampSenderParameters stamp_params = 3"),
            Map.entry("StartStampSenderSessionRequest", SSID),
            Map.entry("StartStampSenderSessionReply", STATUS),
            Map.entry("StopStampSenderSessionRequest", SSID),
            Map.entry("StopStampSenderSessionReply", STATUS),
            Map.entry("GetStampSessionResultsRequest", SSID),
            Map.entry("StampResults", STATUS + "; repeated StampSessionResult results = 3"),
            Map.entry("DestroyStampSenderSessionRequest", SSID),
            Map.entry("DestroyStampSenderSessionReply", STATUS),
            Map.entry("StampResultsCountersRequest", SSID),
            Map.entry("StampResultsCountersReply", "StatusCode status = 1; uint32 num_results = 2"),
            // reflector
            Map.entry("StampReflectorParameters", "uint32 reflector_udp_port = 1; AuthenticationMode auth_mode = 2; "
                    + "string key_chain = 3; TimestampFormat timestamp_format = 4; "
                    + "SessionReflectorMode session_reflector_mode = 5"),
            Map.entry("InitStampReflectorRequest", "uint32 reflector_udp_port = 1; repeated string interfaces = 2; "
                    + "string stamp_source_ipv6_address = 3"),
            Map.entry("InitStampReflectorReply", STATUS),
            Map.entry("ResetStampReflectorRequest", ""),
            Map.entry("ResetStampReflectorReply", STATUS),
            Map.entry("CreateStampReflectorSessionRequest", "uint32 ssid = 1; SRv6Path return_sidlist = 2; "
                    + "StampReflectorParameters stamp_params = 3; string stamp_source_ipv6_address = 4"),
            Map.entry("CreateStampReflectorSessionReply", STATUS + "; StampReflectorParameters stamp_params = 3"),
            Map.entry("StartStampReflectorSessionRequest", SSID),
            Map.entry("StartStampReflectorSessionReply", STATUS),
            Map.entry("StopStampReflectorSessionRequest", SSID),
            Map.entry("StopStampReflectorSessionReply", STATUS),
            Map.entry("DestroyStampReflectorSessionRequest", SSID),
            Map.entry("DestroyStampReflectorSessionReply", STATUS)));

    /** Enum name -> its values, "NAME number", in number order. */
    private static final Map<String, String> ENUMS = new TreeMap<>(Map.of(
            "AuthenticationMode", "AUTHENTICATION_MODE_UNSPECIFIED 0, AUTHENTICATION_MODE_UNAUTHENTICATED 1, "
                    + "AUTHENTICATION_MODE_HMAC_SHA_256 2",
            "TimestampFormat", "TIMESTAMP_FORMAT_UNSPECIFIED 0, TIMESTAMP_FORMAT_PTPv2 1, TIMESTAMP_FORMAT_NTP 2",
            "PacketLossType", "PACKET_LOSS_TYPE_UNSPECIFIED 0, PACKET_LOSS_TYPE_ROUND_TRIP 1, "
                    + "PACKET_LOSS_TYPE_NEAR_END 2, PACKET_LOSS_TYPE_FAR_END 3",
            "DelayMeasurementMode", "DELAY_MEASUREMENT_MODE_UNSPECIFIED 0, DELAY_MEASUREMENT_MODE_ONE_WAY 1, "
                    + "DELAY_MEASUREMENT_MODE_TWO_WAY 2, DELAY_MEASUREMENT_MODE_LOOPBACK 3",
            "SessionReflectorMode", "SESSION_REFLECTOR_MODE_UNSPECIFIED 0, SESSION_REFLECTOR_MODE_STATELESS 1, "
                    + "SESSION_REFLECTOR_MODE_STATEFUL 2",
            "StatusCode", "STATUS_CODE_UNSPECIFIED 0, STATUS_CODE_SUCCESS 1, STATUS_CODE_SESSION_NOT_FOUND 2, "
                    + "STATUS_CODE_SESSION_EXISTS 3, STATUS_CODE_INVALID_ARGUMENT 4, STATUS_CODE_SESSION_RUNNING 5, "
                    + "STATUS_CODE_SESSION_NOT_RUNNING 6, STATUS_CODE_NOT_INITIALIZED 7, "
                    + "STATUS_CODE_ALREADY_INITIALIZED 8, STATUS_CODE_RESET_FAILED 9, STATUS_CODE_INTERNAL_ERROR 10, "
                    + "STATUS_CODE_ALREADY_REGISTERED 11, STATUS_CODE_NODE_NOT_FOUND 12"));

    /** Service full name -> its rpcs, "Name(Request) returns (Reply)". */
    private static final Map<String, List<String>> SERVICES = Map.of(
            "srv6pm.STAMPSessionSenderService", List.of(
                    "Init(InitStampSenderRequest) returns (InitStampSenderReply)",
                    "Reset(ResetStampSenderRequest) returns (ResetStampSenderReply)",
                    "CreateStampSession(CreateStampSenderSessionRequest) returns (CreateStampSenderSessionReply)",
                    "StartStampSession(StartStampSenderSessionRequest) returns (StartStampSenderSessionReply)",
                    "StopStampSession(StopStampSenderSessionRequest) returns (StopStampSenderSessionReply)",
                    "GetStampSessionResults(GetStampSessionResultsRequest) returns (StampResults)",
                    "DestroyStampSession(DestroyStampSenderSessionRequest) returns (DestroyStampSenderSessionReply)",
                    "GetResultsCounter(StampResultsCountersRequest) returns (StampResultsCountersReply)"),
            "srv6pm.STAMPSessionReflectorService", List.of(
                    "Init(InitStampReflectorRequest) returns (InitStampReflectorReply)",
                    "Reset(ResetStampReflectorRequest) returns (ResetStampReflectorReply)",
                    "CreateStampSession(CreateStampReflectorSessionRequest) returns (CreateStampReflectorSessionReply)",
                    "StartStampSession(StartStampReflectorSessionRequest) returns (StartStampReflectorSessionReply)",
                    "StopStampSession(StopStampReflectorSessionRequest) returns (StopStampReflectorSessionReply)",
                    "DestroyStampSession(DestroyStampReflectorSessionRequest) returns "
                            + "(DestroyStampReflectorSessionReply)"));

    @Test
    void everyFileIsProto3InPackageSrv6pm() {
        for (FileDescriptor file : FILES) {
            assertEquals("srv6pm", file.getPackage(), file.getName());
            assertEquals("proto3", file.toProto().getSyntax(), file.getName());
        }
    }

    @Test
    void messagesHaveTheReferenceFields() {
        Map<String, String> actual = new TreeMap<>();
        for (FileDescriptor file : FILES) {
            for (Descriptor message : file.getMessageTypes()) {
                actual.put(message.getName(), fields(message));
            }
        }
        assertEquals(MESSAGES.keySet(), actual.keySet(), "message names");
        MESSAGES.forEach((name, fields) -> assertEquals(fields, actual.get(name), "fields of " + name));
    }

    @Test
    void enumsHaveTheReferenceValues() {
        Map<String, String> actual = new TreeMap<>();
        for (FileDescriptor file : FILES) {
            for (EnumDescriptor e : file.getEnumTypes()) {
                actual.put(e.getName(), e.getValues().stream().map(v -> v.getName() + " " + v.getNumber())
                        .collect(Collectors.joining(", ")));
            }
        }
        assertEquals(ENUMS, actual);
    }

    @Test
    void servicesHaveTheReferenceRpcs() {
        Map<String, List<String>> actual = new TreeMap<>();
        for (FileDescriptor file : FILES) {
            for (ServiceDescriptor service : file.getServices()) {
                actual.put(service.getFullName(), service.getMethods().stream()
                        .map(m -> m.getName() + "(" + typeName(m.getInputType()) + ") returns ("
                                + typeName(m.getOutputType()) + ")")
                        .toList());
            }
        }
        assertEquals(new TreeMap<>(SERVICES), actual);
        // the stubs call the paths the controller calls
        assertEquals("srv6pm.STAMPSessionSenderService", STAMPSessionSenderServiceGrpc.SERVICE_NAME);
        assertEquals("srv6pm.STAMPSessionReflectorService", STAMPSessionReflectorServiceGrpc.SERVICE_NAME);
        assertEquals("srv6pm.STAMPSessionSenderService/GetResultsCounter",
                STAMPSessionSenderServiceGrpc.getGetResultsCounterMethod().getFullMethodName());
    }

    /**
     * stampd's own fields are numbered from {@link #FIRST_EXTENSION} on, apart from the reference's,
     * so that an original controller or node never meets them; these are all of them.
     */
    @Test
    void extensionsAreNumberedApartAndListed() {
        Map<String, String> actual = new TreeMap<>();
        for (FileDescriptor file : FILES) {
            for (Descriptor message : file.getMessageTypes()) {
                String ext = message.getFields().stream().filter(f -> f.getNumber() >= FIRST_EXTENSION)
                        .map(f -> type(f) + " " + f.getName() + " = " + f.getNumber())
                        .collect(Collectors.joining("; "));
                if (!ext.isEmpty()) {
                    actual.put(message.getName(), ext);
                }
            }
        }
        assertEquals(Map.of("CreateStampSenderSessionRequest", "uint32 interval_us = 100",
                "StampSessionResult", "bool clock_step = 100"), actual);
    }

    private static final int FIRST_EXTENSION = 100;

    private static String fields(Descriptor message) {
        return message.getFields().stream().filter(f -> f.getNumber() < FIRST_EXTENSION)
                .sorted((a, b) -> Integer.compare(a.getNumber(), b.getNumber()))
                .map(f -> (f.isRepeated() ? "repeated " : "") + type(f) + " " + f.getName() + " = " + f.getNumber())
                .collect(Collectors.joining("; "));
    }

    /** The type as a .proto file spells it; a message or enum outside srv6pm keeps its package. */
    private static String type(FieldDescriptor field) {
        return switch (field.getType()) {
            case MESSAGE -> typeName(field.getMessageType());
            case ENUM -> shortName(field.getEnumType().getFullName());
            default -> field.getType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String typeName(Descriptor message) {
        return shortName(message.getFullName());
    }

    private static String shortName(String fullName) {
        return fullName.startsWith("srv6pm.") ? fullName.substring("srv6pm.".length()) : fullName;
    }
}
