package io.stampd.dataplane.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HexKeyTest {
    @Test
    void parsesHexWithAndWithoutPrefix() {
        assertArrayEquals(new byte[] {0x00, (byte) 0xFF, 0x10}, HexKey.parse("00ff10"));
        assertArrayEquals(new byte[] {(byte) 0xAB, (byte) 0xCD}, HexKey.parse(" 0xABcd "));
    }

    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> HexKey.parse(text)).getMessage();
    }

    @Test
    void errorsSayWhatIsWrong() {
        assertTrue(error("").contains("empty"));
        assertTrue(error("0x").contains("empty"));
        assertTrue(error(null).contains("missing"));
        assertTrue(error("abc").contains("3 hex digits"));
        String bad = error("00zz11");
        assertTrue(bad.contains("character 3") && bad.contains("'z'"), bad);
        assertTrue(error("00 11").contains("character 3"));
        assertTrue(error("00".repeat(1025)).contains("1025 octets"));
    }

    @Test
    void errorsDoNotEchoTheKey() {
        String secret = "deadbeefcafebabe0123456789abcdeg";
        assertFalse(error(secret).contains("deadbeef"));
    }
}
