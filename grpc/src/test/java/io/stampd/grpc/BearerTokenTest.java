package io.stampd.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BearerTokenTest {
    @Test
    void matchesOnlyItself() {
        var token = BearerToken.of("abc.DEF-123_~");
        assertTrue(token.matches("abc.DEF-123_~"));
        assertFalse(token.matches("abc.DEF-123_"));
        assertFalse(token.matches("abc.DEF-123_~~"));
        assertFalse(token.matches(""));
        assertFalse(token.matches(null));
    }

    @Test
    void neverShowsItself() {
        assertEquals("BearerToken[redacted]", BearerToken.of("hunter2").toString());
    }

    @Test
    void refusesWhatAHeaderCannotCarryWithoutShowingIt() {
        assertThrows(IllegalArgumentException.class, () -> BearerToken.of(""));
        var e = assertThrows(IllegalArgumentException.class, () -> BearerToken.of("pass wörd"));
        assertFalse(e.getMessage().contains("pass"), e.getMessage());
    }
}
