package io.stampd.netconf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LibraryLogLevelsTest {
    @Test
    void libraryLoggersAreLoweredToInfoAndStampdsAreLeftAlone() {
        Properties p = new Properties();
        p.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "trace");
        p.setProperty("org.slf4j.simpleLogger.log.org.opendaylight", "TRACE");
        p.setProperty("org.slf4j.simpleLogger.log.org.opendaylight.netconf.shaded.sshd", "debug");
        p.setProperty("org.slf4j.simpleLogger.log.io.netty", "warn");
        p.setProperty("org.slf4j.simpleLogger.log.io.stampd", "trace");
        p.setProperty("org.slf4j.simpleLogger.log.org.opendaylightish", "trace");

        List<String> lowered = LibraryLogLevels.capSlf4j(p);

        assertEquals(List.of("org.opendaylight", "org.opendaylight.netconf.shaded.sshd"), lowered.stream().sorted()
                .toList());
        assertEquals("info", p.getProperty("org.slf4j.simpleLogger.log.org.opendaylight"));
        assertEquals("info", p.getProperty("org.slf4j.simpleLogger.log.org.opendaylight.netconf.shaded.sshd"));
        assertEquals("warn", p.getProperty("org.slf4j.simpleLogger.log.io.netty"), "already quiet enough");
        assertEquals("trace", p.getProperty("org.slf4j.simpleLogger.log.io.stampd"));
        assertEquals("trace", p.getProperty("org.slf4j.simpleLogger.log.org.opendaylightish"), "another name");
        assertEquals("trace", p.getProperty("org.slf4j.simpleLogger.defaultLogLevel"),
                "the libraries' own settings (simplelogger.properties: warn) take precedence over the default");
    }

    @Test
    void grpcAndItsNettyLogAtInfoAtMostOverJavaUtilLogging() {
        java.util.logging.Logger grpc = java.util.logging.Logger.getLogger("io.grpc");
        grpc.setLevel(java.util.logging.Level.FINEST);
        LibraryLogLevels.capJul();
        assertEquals(java.util.logging.Level.INFO, grpc.getLevel(), "frames and headers (the bearer token) stay out");
        assertEquals(java.util.logging.Level.INFO, java.util.logging.Logger.getLogger("io.netty").getLevel());
        java.util.logging.Logger.getLogger("io.grpc").setLevel(java.util.logging.Level.SEVERE);
        LibraryLogLevels.capJul();
        assertEquals(java.util.logging.Level.SEVERE, grpc.getLevel(), "a quieter level is kept");
    }
}
