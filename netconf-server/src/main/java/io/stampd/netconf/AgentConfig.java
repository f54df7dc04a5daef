package io.stampd.netconf;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's configuration file (Java properties syntax). There are no built-in credentials: a file
 * without at least one user is refused, with a message that says how to add one.
 *
 * <pre>
 * netconf.listen-address = ::                # default ::
 * netconf.port = 830                         # default 830
 * netconf.ssh.host-key = /var/lib/stampd/ssh_host_key   # default: ssh_host_key next to this file;
 *                                            # an EC P-256 key is generated there if missing
 * netconf.user.admin.password-hash = $6$...  # crypt(3) SHA-512 or SHA-256 hash: openssl passwd -6
 * netconf.user.ops.authorized-keys = ops.pub # OpenSSH authorized_keys file (relative to this file)
 * grpc.nacm-user = grpc                      # whose access (NACM) the gRPC southbound's changes have
 * </pre>
 * A user may have a password, public keys, or both.
 */
public record AgentConfig(Path file, InetAddress listenAddress, int port, Path hostKey,
                          Map<String, String> passwordHashes, Map<String, List<PublicKey>> authorizedKeys,
                          String grpcNacmUser) {

    public static final int DEFAULT_PORT = 830;
    /** The NACM user of the gRPC southbound unless grpc.nacm-user names another. */
    public static final String DEFAULT_GRPC_NACM_USER = "grpc";
    public static final String GRPC_NACM_USER_KEY = "grpc.nacm-user";

    private static final String PREFIX = "netconf.";
    private static final Pattern USER_KEY = Pattern.compile("netconf\\.user\\.([^.]+)\\.password-hash");
    private static final Pattern USER_KEYS = Pattern.compile("netconf\\.user\\.([^.]+)\\.authorized-keys");
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}");
    /** SHA-256 ($5$) or SHA-512 ($6$) crypt, optionally with rounds, as produced by openssl passwd -5/-6. */
    private static final Pattern CRYPT_HASH = Pattern.compile(
            "\\$5\\$(rounds=\\d+\\$)?[A-Za-z0-9./]{1,16}\\$[A-Za-z0-9./]{43}"
            + "|\\$6\\$(rounds=\\d+\\$)?[A-Za-z0-9./]{1,16}\\$[A-Za-z0-9./]{86}");

    /** Says how to fix a configuration file; the agent prints it and exits. */
    /**
     * A configuration file the agent cannot use. Its message may quote values; a password hash in
     * one (pulled into another key's value by a line continuation, say) shows as such, never
     * itself: the message goes to the console and the journal.
     */
    public static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;
        /** A crypt(3) hash: $id$[rounds=N$]salt$hash (not the "($6$...)" of a hint). */
        private static final Pattern ANY_CRYPT_HASH = Pattern.compile(
                "\\$[0-9a-z]{1,3}\\$(?:rounds=[0-9]+\\$)?[./0-9A-Za-z]{0,16}\\$[./0-9A-Za-z]{8,}");

        public ConfigException(String message) {
            super(ANY_CRYPT_HASH.matcher(message).replaceAll("<a password hash>"));
        }
    }

    public AgentConfig {
        passwordHashes = Map.copyOf(passwordHashes);
        authorizedKeys = Map.copyOf(authorizedKeys);
    }

    /** Compatibility: a configuration with passwords and keys, the gRPC southbound acting as user grpc. */
    public AgentConfig(Path file, InetAddress listenAddress, int port, Path hostKey, Map<String, String> passwordHashes,
                       Map<String, List<PublicKey>> authorizedKeys) {
        this(file, listenAddress, port, hostKey, passwordHashes, authorizedKeys, DEFAULT_GRPC_NACM_USER);
    }

    /** Compatibility: a configuration with passwords only. */
    public AgentConfig(Path file, InetAddress listenAddress, int port, Path hostKey, Map<String, String> passwordHashes) {
        this(file, listenAddress, port, hostKey, passwordHashes, Map.of());
    }

    /** Every user of the file (password or key), sorted. */
    public java.util.SortedSet<String> users() {
        var all = new TreeSet<String>(passwordHashes.keySet());
        all.addAll(authorizedKeys.keySet());
        return all;
    }

    public static AgentConfig load(Path file) throws ConfigException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file " + file + " does not exist. " + howToAddUser(file));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        return parse(file, p);
    }

    /**
     * The settings of the agent's file as properties, for the parts of the agent that read their
     * own keys from it (engine, gRPC, metrics); {@link #load} has said what a missing file means.
     */
    public static Properties readProperties(Path configFile) throws ConfigException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read configuration file " + configFile + ": " + e.getMessage());
        }
        return p;
    }

    static AgentConfig parse(Path file, Properties p) throws ConfigException {
        List<String> errors = new ArrayList<>();
        Map<String, String> users = new LinkedHashMap<>();
        Map<String, List<PublicKey>> keyUsers = new LinkedHashMap<>();
        Path dir = file.toAbsolutePath().getParent();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            String value = p.getProperty(key).strip();
            Matcher k = USER_KEYS.matcher(key);
            if (k.matches()) {
                String user = k.group(1);
                if (!USER_NAME.matcher(user).matches()) {
                    errors.add(key + ": user name '" + user + "' has characters other than letters, digits, _ . @ -");
                } else {
                    try {
                        keyUsers.put(user, AuthorizedKeys.read(dir.resolve(value)));
                    } catch (AuthorizedKeys.BadKeysException e) {
                        errors.add(key + ": " + e.getMessage());
                    } catch (InvalidPathException e) {
                        errors.add(key + ": not a file name: " + e.getReason());
                    }
                }
                continue;
            }
            Matcher m = USER_KEY.matcher(key);
            if (m.matches()) {
                String user = m.group(1);
                if (!USER_NAME.matcher(user).matches()) {
                    errors.add(key + ": user name '" + user + "' has characters other than letters, digits, _ . @ -");
                } else if (!CRYPT_HASH.matcher(value).matches()) {
                    errors.add(key + ": not a SHA-512 ($6$...) or SHA-256 ($5$...) crypt hash; create one with"
                            + " 'openssl passwd -6' (plain-text passwords are not accepted)");
                } else {
                    users.put(user, value);
                }
            } else if (key.startsWith(PREFIX) && !key.equals("netconf.listen-address") && !key.equals("netconf.port")
                    && !key.equals("netconf.ssh.host-key")) {
                errors.add(key + ": unknown setting");
            }
        }

        InetAddress address = null;
        String a = p.getProperty("netconf.listen-address", "::").strip();
        try {
            // Literal addresses only: a host name would make start-up depend on name resolution.
            if (!a.matches("[0-9A-Fa-f:.]+")) {
                throw new UnknownHostException(a);
            }
            address = InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            errors.add("netconf.listen-address: '" + a + "' is not an IPv4 or IPv6 address");
        }

        int port = DEFAULT_PORT;
        String ps = p.getProperty("netconf.port");
        if (ps != null) {
            try {
                port = Integer.parseInt(ps.strip());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                errors.add("netconf.port: '" + ps.strip() + "' is not a port number 1..65535");
            }
        }

        String grpcUser = p.getProperty(GRPC_NACM_USER_KEY, DEFAULT_GRPC_NACM_USER).strip();
        if (!USER_NAME.matcher(grpcUser).matches()) {
            errors.add(GRPC_NACM_USER_KEY + ": user name '" + grpcUser
                    + "' has characters other than letters, digits, _ . @ -");
        }

        String hk = p.getProperty("netconf.ssh.host-key");
        Path hostKey = dir.resolve("ssh_host_key");
        if (hk != null && !hk.isBlank()) {
            try {
                hostKey = dir.resolve(hk.strip());
            } catch (InvalidPathException e) {
                errors.add("netconf.ssh.host-key: not a file name: " + e.getReason());
            }
        }

        if (!errors.isEmpty()) {
            throw new ConfigException("configuration file " + file + ":\n  " + String.join("\n  ", errors));
        }
        if (users.isEmpty() && keyUsers.isEmpty()) {
            throw new ConfigException("no NETCONF users are configured in " + file
                    + "; the agent has no built-in credentials and does not listen without them. "
                    + howToAddUser(file));
        }
        return new AgentConfig(file, address, port, hostKey, users, keyUsers, grpcUser);
    }

    private static String howToAddUser(Path file) {
        return "Add a user with a line like\n"
                + "  netconf.user.admin.password-hash = <hash>\n"
                + "to " + file + ", where <hash> is the output of 'openssl passwd -6' (SHA-512 crypt),\n"
                + "and/or netconf.user.admin.authorized-keys = <file> with OpenSSH public keys.\n"
                + "Optional settings: netconf.port (default " + DEFAULT_PORT + "), netconf.listen-address"
                + " (default ::), netconf.ssh.host-key (default ssh_host_key next to the file, created if missing).";
    }

    @Override
    public String toString() {
        return "AgentConfig[" + file + ", listen [" + listenAddress.getHostAddress() + "]:" + port + ", host key "
                + hostKey + ", password users " + passwordHashes.keySet() + ", key users " + authorizedKeys.keySet() + "]";
    }
}
