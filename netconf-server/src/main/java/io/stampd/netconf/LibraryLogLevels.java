package io.stampd.netconf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Level;

/**
 * The libraries the agent is built on log at INFO at most, whatever logging options the agent is
 * started with: at DEBUG and TRACE, OpenDaylight's NETCONF server, yangtools and mdsal write every
 * message received and every data tree (HMAC keys in them), MINA SSHD (under org.opendaylight) dumps
 * decrypted packets, and netty and gRPC write frames and headers (the southbound's bearer token).
 * stampd's own loggers (io.stampd) keep whatever level they are given: they never write a key.
 */
final class LibraryLogLevels {
    static final String SIMPLE_LOGGER = "org.slf4j.simpleLogger.log.";
    /** slf4j (slf4j-simple) loggers, by name prefix. */
    static final List<String> SLF4J = List.of("org.opendaylight", "io.netty");
    /** java.util.logging loggers: gRPC and its netty. */
    static final List<String> JUL = List.of("io.grpc", "io.netty");
    private static final Set<String> TOO_VERBOSE = Set.of("trace", "debug", "all");
    /** Held: java.util.logging keeps loggers only weakly, and a collected one forgets its level. */
    private static final List<java.util.logging.Logger> CAPPED = new ArrayList<>();

    private LibraryLogLevels() {
    }

    /**
     * Lowers every slf4j-simple level set in {@code system} for a library logger (the logger or one
     * below it) from DEBUG or TRACE to INFO. Must run before the first slf4j logger is made: they
     * read their level once. Returns the loggers it lowered, for a log line.
     */
    static List<String> capSlf4j(Properties system) {
        List<String> lowered = new ArrayList<>();
        for (String key : system.stringPropertyNames()) {
            if (!key.startsWith(SIMPLE_LOGGER)) {
                continue;
            }
            String logger = key.substring(SIMPLE_LOGGER.length());
            boolean library = SLF4J.stream().anyMatch(p -> logger.equals(p) || logger.startsWith(p + "."));
            if (library && TOO_VERBOSE.contains(system.getProperty(key).strip().toLowerCase(Locale.ROOT))) {
                system.setProperty(key, "info");
                lowered.add(logger);
            }
        }
        return lowered;
    }

    /** The java.util.logging loggers of the libraries at INFO at most. */
    static void capJul() {
        for (String name : JUL) {
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
            Level level = logger.getLevel();
            if (level == null || level.intValue() < Level.INFO.intValue()) {
                logger.setLevel(Level.INFO);
            }
            CAPPED.add(logger);
        }
    }
}
