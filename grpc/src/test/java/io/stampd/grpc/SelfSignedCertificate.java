package io.stampd.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A P-256 certificate for localhost, 127.0.0.1 and ::1, valid one day, made by openssl at test time
 * (no key material in the repository). The key is PKCS#8 PEM, as {@link SouthboundSettings.Tls} asks.
 */
record SelfSignedCertificate(Path certificate, Path privateKey) {
    static SelfSignedCertificate create(Path dir) throws Exception {
        String openssl = List.of("/usr/bin/openssl", "/bin/openssl").stream()
                .filter(ProcessRun::commandExists).findFirst().orElse(null);
        Prerequisite.require(openssl != null, "openssl missing (apt-get install openssl)");
        Path certificate = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        ProcessRun run = ProcessRun.of(List.of(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1", "-keyout", key.toString(), "-out",
                certificate.toString()), Map.of(), 60);
        assertEquals(0, run.exitCode(), "openssl req: " + run.output());
        assertEquals("-----BEGIN PRIVATE KEY-----", Files.readAllLines(key).getFirst(), "a PKCS#8 key");
        return new SelfSignedCertificate(certificate, key);
    }
}
