package io.stampd.tools;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument handling of {@code stampd trafgen} and {@code stampd xdp-sink}; needs no privileges. */
class TrafGenCommandTest {
    private static final String[] BASE = {"trafgen", "--dev", "lo", "--dst-mac", "02:00:00:00:00:01",
            "--src", "fd00:7a::1", "--data-dst", "fd00:7a::2"};

    private static MainRun trafgen(String... extra) {
        String[] args = new String[BASE.length + extra.length];
        System.arraycopy(BASE, 0, args, 0, BASE.length);
        System.arraycopy(extra, 0, args, BASE.length, extra.length);
        return MainRun.of(args);
    }

    private static void assertOneLineError(MainRun outcome, String... fragments) {
        assertEquals(2, outcome.exitCode(), "exit code; stderr: " + outcome.stderr());
        String text = outcome.stderr().strip();
        assertFalse(text.isEmpty(), "no error message");
        assertFalse(text.contains("\n"), "error is not one line: " + text);
        for (String fragment : fragments) {
            assertTrue(text.contains(fragment), "'" + fragment + "' missing from: " + text);
        }
    }

    @Test
    void unknownSendMethodIsRejected() {
        assertOneLineError(trafgen("--rate", "1000", "--count", "1", "--method", "xdp"), "--method", "xdp",
                "live-frames", "tc-clone");
    }

    @Test
    void badMacIsRejected() {
        assertOneLineError(MainRun.of("trafgen", "--dev", "lo", "--dst-mac", "02:00:00:00:01", "--src", "fd00::1",
                "--data-dst", "fd00::2", "--rate", "1000", "--count", "1"), "--dst-mac", "02:00:00:00:01");
        assertOneLineError(trafgen("--src-mac", "zz:00:00:00:00:01", "--rate", "1000", "--count", "1"), "--src-mac");
    }

    @Test
    void badAddressesAreRejected() {
        assertOneLineError(MainRun.of("trafgen", "--dev", "lo", "--dst-mac", "02:00:00:00:00:01", "--src", "10.0.0.1",
                "--data-dst", "fd00::2", "--rate", "1000", "--count", "1"), "--src", "10.0.0.1");
        assertOneLineError(trafgen("--stamp-dst", "fd00::zz", "--stamp-share", "1", "--rate", "1000", "--count", "1"),
                "--stamp-dst");
    }

    @Test
    void stampShareNeedsADestinationAndARange() {
        assertOneLineError(trafgen("--stamp-share", "1", "--rate", "1000", "--count", "1"), "--stamp-dst");
        assertOneLineError(trafgen("--stamp-dst", "fd00::3", "--stamp-share", "101", "--rate", "1000", "--count", "1"),
                "--stamp-share", "101");
        assertOneLineError(trafgen("--stamp-dst", "fd00::3", "--stamp-share", "0.00001", "--rate", "1000",
                "--count", "1"), "--stamp-share");
        assertOneLineError(trafgen("--stamp-dst", "fd00::3", "--stamp-share", "1", "--stamp-kind", "collector",
                "--rate", "1000", "--count", "1"), "--stamp-kind", "collector");
    }

    @Test
    void rangesAreCheckedByOption() {
        assertOneLineError(trafgen("--length", "61", "--rate", "1000", "--count", "1"), "--length", "61");
        assertOneLineError(trafgen("--length", "1515", "--rate", "1000", "--count", "1"), "--length");
        assertOneLineError(trafgen("--flows", "0", "--rate", "1000", "--count", "1"), "--flows");
        assertOneLineError(trafgen("--data-port", "0", "--rate", "1000", "--count", "1"), "--data-port");
        assertOneLineError(trafgen("--stamp-port", "65536", "--rate", "1000", "--count", "1"), "--stamp-port");
        assertOneLineError(trafgen("--batch", "257", "--rate", "1000", "--count", "1"), "--batch");
        assertOneLineError(trafgen("--rate", "0", "--count", "1"), "--rate");
        assertOneLineError(trafgen("--rate", "1000", "--count", "0"), "--count");
    }

    @Test
    void paceAndAmountAreEachRequiredOnce() {
        assertOneLineError(trafgen("--count", "1"), "--rate", "--unpaced");
        assertOneLineError(trafgen("--rate", "1000"), "--count", "--duration");
        assertOneLineError(trafgen("--rate", "1000", "--unpaced", "--count", "1"), "--rate", "--unpaced");
        assertOneLineError(trafgen("--unpaced", "--duration", "1s"), "--duration needs --rate");
        assertOneLineError(trafgen("--rate", "1000", "--duration", "1"), "--duration");
    }

    @Test
    void macAddressesParse() {
        assertArrayEquals(new byte[] {2, 0, (byte) 0xab, 0, 0, 1}, TrafGenCommand.parseMac("02:00:AB:00:00:01", "--x"));
        assertArrayEquals(new byte[] {2, 0, (byte) 0xab, 0, 0, 1}, TrafGenCommand.parseMac("02-00-ab-00-00-01", "--x"));
        assertThrows(IllegalArgumentException.class, () -> TrafGenCommand.parseMac("0200ab000001", "--x"));
    }

    @Test
    void sinkOptionsAreChecked() {
        assertOneLineError(MainRun.of("xdp-sink", "attach", "--dev", "lo", "--port", "70000"), "--port", "70000");
        assertOneLineError(MainRun.of("xdp-sink", "attach", "--dev", "lo", "--mode", "offload"), "--mode", "offload");
        assertOneLineError(MainRun.of("xdp-sink"), "missing sub-command");
        assertOneLineError(MainRun.of("xdp-sink", "show"), "--dev");
    }
}
