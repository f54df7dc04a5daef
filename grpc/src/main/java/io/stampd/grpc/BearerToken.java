package io.stampd.grpc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The secret a gRPC client must present as {@code authorization: Bearer <token>}. Only its SHA-256
 * digest is kept, and a presented token is compared digest to digest with
 * {@link MessageDigest#isEqual}, so the comparison time tells nothing about the token, not even its
 * length. {@link #toString} never shows it, so it cannot reach a log by accident.
 */
public final class BearerToken {
    private final byte[] digest;

    private BearerToken(byte[] digest) {
        this.digest = digest;
    }

    /**
     * A token of visible ASCII characters (what an HTTP/2 header value carries unchanged); anything
     * else, or an empty token, is an IllegalArgumentException whose message does not show the token.
     */
    public static BearerToken of(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("the bearer token is empty");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("the bearer token holds a character other than visible ASCII"
                        + " (at index " + i + ")");
            }
        }
        return new BearerToken(sha256(token));
    }

    /** Whether {@code presented} is this token, in time independent of both. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    @Override
    public String toString() {
        return "BearerToken[redacted]";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
