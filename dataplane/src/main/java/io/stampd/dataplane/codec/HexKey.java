package io.stampd.dataplane.codec;

/**
 * Parses an HMAC key given on the command line as hexadecimal ("--key 00112233..."), optionally
 * prefixed with "0x". Errors name what is wrong and where, never echoing the whole key (it is a
 * secret that would otherwise end up in logs).
 */
public final class HexKey {
    /** Keys longer than this are certainly a mistake (RFC 2104 hashes anything above 64 octets anyway). */
    public static final int MAX_OCTETS = 1024;

    private HexKey() {
    }

    public static byte[] parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("HMAC key is missing");
        }
        String hex = text.strip();
        if (hex.startsWith("0x") || hex.startsWith("0X")) {
            hex = hex.substring(2);
        }
        if (hex.isEmpty()) {
            throw new IllegalArgumentException("HMAC key is empty; give an even number of hex digits, e.g. 00112233");
        }
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("HMAC key: character " + (i + 1) + " ('" + printable(hex.charAt(i))
                        + "') is not a hex digit 0-9/a-f");
            }
        }
        if (hex.length() % 2 != 0) {
            throw new IllegalArgumentException("HMAC key has " + hex.length()
                    + " hex digits; it needs an even number (two per octet)");
        }
        if (hex.length() / 2 > MAX_OCTETS) {
            throw new IllegalArgumentException("HMAC key has " + hex.length() / 2 + " octets; at most "
                    + MAX_OCTETS + " are accepted");
        }
        byte[] key = new byte[hex.length() / 2];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) ((Character.digit(hex.charAt(2 * i), 16) << 4) | Character.digit(hex.charAt(2 * i + 1), 16));
        }
        return key;
    }

    private static String printable(char c) {
        return Character.isISOControl(c) || Character.isWhitespace(c)
                ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
