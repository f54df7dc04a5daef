package io.stampd.grpc;

import static io.stampd.grpc.SouthboundSettings.CERTIFICATE_KEY;
import static io.stampd.grpc.SouthboundSettings.LISTEN_ADDRESS_KEY;
import static io.stampd.grpc.SouthboundSettings.PORT_KEY;
import static io.stampd.grpc.SouthboundSettings.PRIVATE_KEY_KEY;
import static io.stampd.grpc.SouthboundSettings.TOKEN_FILE_KEY;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@link SouthboundSettings} from the {@code grpc.*} keys of a properties file: one method
 * per key, each failing with a message that names the key and its value, so that an operator can
 * fix the file from the message alone.
 */
final class SouthboundProperties {
    private final Properties properties;
    /** A crypt(3) hash: $id$[rounds=N$]salt$hash (not the "($6$...)" of a hint). */
    private static final Pattern CRYPT_HASH = Pattern.compile(
            "\\$[0-9a-z]{1,3}\\$(?:rounds=[0-9]+\\$)?[./0-9A-Za-z]{0,16}\\$[./0-9A-Za-z]{8,}");
    private final Path baseDir;

    SouthboundProperties(Properties properties, Path baseDir) {
        this.properties = Objects.requireNonNull(properties, "properties");
        this.baseDir = Objects.requireNonNull(baseDir, "baseDir");
    }

    Optional<SouthboundSettings> settings() {
        java.util.Set<String> known = java.util.Set.of(LISTEN_ADDRESS_KEY, PORT_KEY, CERTIFICATE_KEY, PRIVATE_KEY_KEY,
                TOKEN_FILE_KEY, SouthboundSettings.NACM_USER_KEY);
        java.util.List<String> given = properties.stringPropertyNames().stream().filter(k -> k.startsWith("grpc."))
                .sorted().toList();
        for (String key : given) {
            if (!known.contains(key)) {
                throw bad(key, properties.getProperty(key), "unknown setting; the gRPC settings are " + known.stream()
                        .sorted().toList());
            }
        }
        String port = value(PORT_KEY);
        if (port == null) {
            if (!given.isEmpty()) {
                throw bad(given.getFirst(), properties.getProperty(given.getFirst()), PORT_KEY
                        + " is missing: the gRPC southbound is off without it (the original nodes use 12345)");
            }
            return Optional.empty();
        }
        return Optional.of(new SouthboundSettings(listenAddress(), port(port), tls(), token()));
    }

    private static int port(String value) {
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw bad(PORT_KEY, value, "not a port number 1..65535");
        }
        if (port < 1 || port > 65535) {
            throw bad(PORT_KEY, value, "not a port number 1..65535");
        }
        return port;
    }

    private InetAddress listenAddress() {
        String value = value(LISTEN_ADDRESS_KEY);
        if (value == null) {
            return InetAddress.ofLiteral("::");
        }
        String literal = value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value;
        try {
            return InetAddress.ofLiteral(literal); // never a name lookup
        } catch (IllegalArgumentException e) {
            throw bad(LISTEN_ADDRESS_KEY, value, "not an IPv4 or IPv6 address literal");
        }
    }

    private Optional<SouthboundSettings.Tls> tls() {
        String certificate = value(CERTIFICATE_KEY);
        String privateKey = value(PRIVATE_KEY_KEY);
        if (certificate == null && privateKey == null) {
            return Optional.empty();
        }
        if (certificate == null) {
            throw bad(PRIVATE_KEY_KEY, privateKey, CERTIFICATE_KEY + " is missing: TLS needs both or neither");
        }
        if (privateKey == null) {
            throw bad(CERTIFICATE_KEY, certificate, PRIVATE_KEY_KEY + " is missing: TLS needs both or neither");
        }
        return Optional.of(new SouthboundSettings.Tls(readableFile(CERTIFICATE_KEY, certificate),
                readableFile(PRIVATE_KEY_KEY, privateKey)));
    }

    private Optional<BearerToken> token() {
        String value = value(TOKEN_FILE_KEY);
        if (value == null) {
            return Optional.empty();
        }
        Path file = readableFile(TOKEN_FILE_KEY, value);
        refuseSharedFile(value, file);
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw bad(TOKEN_FILE_KEY, value, "cannot read " + file + ": " + e.getMessage());
        }
        if (token.isEmpty()) {
            throw bad(TOKEN_FILE_KEY, value, file + " is empty");
        }
        try {
            return Optional.of(BearerToken.of(token));
        } catch (IllegalArgumentException e) {
            throw bad(TOKEN_FILE_KEY, value, file + ": " + e.getMessage());
        }
    }

    /** A token others can read is no secret: refused, as ssh refuses a private key of mode 644. */
    private static void refuseSharedFile(String value, Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return; // not a POSIX file system: nothing to check
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = view.readAttributes().permissions();
        } catch (IOException e) {
            throw bad(TOKEN_FILE_KEY, value, "cannot read the permissions of " + file + ": " + e.getMessage());
        }
        if (permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_READ)) {
            throw bad(TOKEN_FILE_KEY, value, file + " is readable by group or others ("
                    + PosixFilePermissions.toString(permissions) + "): chmod 600 it");
        }
    }

    private Path readableFile(String key, String value) {
        Path file;
        try {
            file = baseDir.resolve(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw bad(key, value, "not a file name: " + e.getReason());
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw bad(key, value, file + " is not a readable file");
        }
        return file;
    }

    /** The value of the key, trimmed; null if absent. A present key with an empty value is an error. */
    private String value(String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            return null;
        }
        value = value.strip();
        if (value.isEmpty()) {
            throw bad(key, value, "empty value");
        }
        return value;
    }

    private static IllegalArgumentException bad(String key, String value, String why) {
        return new IllegalArgumentException(key + " = '" + redacted(value) + "': " + why);
    }

    /**
     * The value as an error may quote it: a password hash in it (one that a line continuation
     * pulled into this key's value, say) shows as such, never itself (AgentConfig.ConfigException
     * does the same).
     */
    private static String redacted(String value) {
        return CRYPT_HASH.matcher(value).replaceAll("<a password hash>");
    }
}
