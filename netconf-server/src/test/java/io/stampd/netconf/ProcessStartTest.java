package io.stampd.netconf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessStartTest {
    /** A process named "a) b (c" started 1234.56 s after boot; the machine has been up 1300.25 s. */
    @Test
    void theAgeIsUptimeMinusTheStartTickEvenWithParenthesesInTheName() {
        String stat = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 30 0 123456 "
                + "3000000000 20000 18446744073709551615 1 1 0 0 0 0 0 4096 17 1 0 0 0 0 0\n";
        assertEquals(65_690_000_000L, ProcessStart.ageNanos(stat, "1300.25 2500.10\n"));
    }

    @Test
    void aStartAfterTheUptimeIsNonsense() {
        String stat = "1 (init) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 999999 0 0";
        assertEquals(-1, ProcessStart.ageNanos(stat, "12.00 3.00"));
    }

    /** This JVM started before the test ran and, on this machine, less than an hour ago. */
    @Test
    void thisProcessStartedBeforeNow() {
        long age = System.nanoTime() - ProcessStart.nanoTime();
        assertTrue(age > 0 && age < 3_600_000_000_000L, "age " + age);
    }
}
