package io.stampd.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SouthboundSettings.fromProperties: defaults, relative files, and a message naming key and value for every bad one. */
class SouthboundSettingsTest {
    @TempDir
    Path dir;

    @Test
    void withoutAnyGrpcSettingGrpcIsOff() {
        assertEquals(Optional.empty(), parse(props("netconf.port", "830")));
    }

    /** A gRPC setting without grpc.port would silently leave gRPC off: the operator hears about it. */
    @Test
    void aGrpcSettingWithoutThePortIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> parse(props("grpc.listen-address", "::1")));
        assertEquals("grpc.listen-address = '::1': grpc.port is missing: the gRPC southbound is off without it"
                + " (the original nodes use 12345)", e.getMessage());
    }

    @Test
    void anUnknownGrpcSettingIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> parse(props("grpc.port", "12345",
                "grpc.prot", "1")));
        assertTrue(e.getMessage().startsWith("grpc.prot = '1': unknown setting"), e.getMessage());
    }

    @Test
    void theNacmUserIsAKnownSettingThatTheAgentReads() {
        assertTrue(parse(props("grpc.port", "12345", "grpc.nacm-user", "everywan")).isPresent());
        assertBad("grpc.nacm-usr = 'x': unknown setting", props("grpc.port", "12345", "grpc.nacm-usr", "x"));
    }

    @Test
    void defaultsToEveryAddressPlaintextNoToken() {
        SouthboundSettings s = parse(props("grpc.port", " 12345 ")).orElseThrow();
        assertEquals(InetAddress.ofLiteral("::"), s.listenAddress());
        assertEquals(SouthboundSettings.USUAL_PORT, s.port());
        assertEquals(Optional.empty(), s.tls());
        assertEquals(Optional.empty(), s.token());
    }

    @Test
    void readsEveryKeyWithFilesRelativeToTheBaseDirectory() throws IOException {
        Files.createDirectory(dir.resolve("tls"));
        Files.writeString(dir.resolve("tls/cert.pem"), "cert");
        Files.writeString(dir.resolve("tls/key.pem"), "key");
        Path token = secret("token", "  t0ken\n");
        SouthboundSettings s = parse(props("grpc.port", "50051", "grpc.listen-address", "[fd00::1]",
                "grpc.tls.certificate", "tls/cert.pem", "grpc.tls.private-key", "tls/key.pem",
                "grpc.token-file", "token")).orElseThrow();
        assertEquals(InetAddress.ofLiteral("fd00::1"), s.listenAddress());
        assertEquals(50051, s.port());
        assertEquals(new SouthboundSettings.Tls(dir.resolve("tls/cert.pem"), dir.resolve("tls/key.pem")),
                s.tls().orElseThrow());
        assertTrue(s.token().orElseThrow().matches("t0ken"), "the token is the file's trimmed content");
        assertFalse(s.toString().contains("t0ken"), s.toString());
        assertTrue(Files.exists(token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "-1", "12345x", "0x3039", ""})
    void aBadPortIsNamed(String port) {
        assertBad("grpc.port = '" + port.strip() + "'", props("grpc.port", port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "::1::2", "256.1.1.1", "[::1"})
    void anAddressMustBeAnIpLiteral(String address) {
        assertBad("grpc.listen-address = '" + address + "': not an IPv4 or IPv6 address literal",
                props("grpc.port", "12345", "grpc.listen-address", address));
    }

    @Test
    void tlsNeedsBothFiles() throws IOException {
        Files.writeString(dir.resolve("cert.pem"), "cert");
        assertBad("grpc.tls.certificate = 'cert.pem': grpc.tls.private-key is missing",
                props("grpc.port", "12345", "grpc.tls.certificate", "cert.pem"));
        assertBad("grpc.tls.private-key = 'key.pem': grpc.tls.certificate is missing",
                props("grpc.port", "12345", "grpc.tls.private-key", "key.pem"));
    }

    @Test
    void aMissingFileIsNamedWithItsPath() throws IOException {
        Files.writeString(dir.resolve("cert.pem"), "cert");
        assertBad("grpc.tls.private-key = 'nokey.pem': " + dir.resolve("nokey.pem") + " is not a readable file",
                props("grpc.port", "12345", "grpc.tls.certificate", "cert.pem", "grpc.tls.private-key", "nokey.pem"));
        assertBad("grpc.token-file = 'notoken': " + dir.resolve("notoken") + " is not a readable file",
                props("grpc.port", "12345", "grpc.token-file", "notoken"));
    }

    @Test
    void anEmptyTokenIsRefused() throws IOException {
        secret("empty", " \n\n");
        assertBad("grpc.token-file = 'empty': " + dir.resolve("empty") + " is empty",
                props("grpc.port", "12345", "grpc.token-file", "empty"));
    }

    @Test
    void aTokenWithSpacesIsRefusedWithoutShowingIt() throws IOException {
        secret("spaced", "two words");
        var e = assertThrows(IllegalArgumentException.class,
                () -> parse(props("grpc.port", "12345", "grpc.token-file", "spaced")));
        assertTrue(e.getMessage().startsWith("grpc.token-file = 'spaced': "), e.getMessage());
        assertFalse(e.getMessage().contains("words"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r-----", "rw----r--", "r--r--r--"})
    void aTokenFileOthersCanReadIsRefused(String mode) throws IOException {
        Path token = secret("token", "t0ken");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString(mode));
        assertBad("grpc.token-file = 'token': " + token + " is readable by group or others (" + mode
                + "): chmod 600 it", props("grpc.port", "12345", "grpc.token-file", "token"));
    }

    @Test
    void anEmptyValueIsNotAbsence() {
        assertBad("grpc.tls.certificate = '': empty value", props("grpc.port", "12345", "grpc.tls.certificate", " "));
    }

    @Test
    void theRecordTakesPortZeroButNotBeyond65535() {
        var any = InetAddress.ofLiteral("::");
        assertEquals(0, new SouthboundSettings(any, 0, Optional.empty(), Optional.empty()).port());
        assertThrows(IllegalArgumentException.class,
                () -> new SouthboundSettings(any, 65536, Optional.empty(), Optional.empty()));
    }

    private Optional<SouthboundSettings> parse(Properties p) {
        return SouthboundSettings.fromProperties(p, dir);
    }

    private void assertBad(String messageStart, Properties p) {
        var e = assertThrows(IllegalArgumentException.class, () -> parse(p));
        assertTrue(e.getMessage().startsWith(messageStart), "message '" + e.getMessage() + "', expected it to start '"
                + messageStart + "'");
    }

    /** A file of mode 600 with this content. */
    private Path secret(String name, String content) throws IOException {
        Path file = Files.writeString(dir.resolve(name), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static Properties props(String... keysAndValues) {
        var p = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return p;
    }
}
