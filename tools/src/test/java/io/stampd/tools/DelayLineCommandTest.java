package io.stampd.tools;

import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument handling of {@code stampd delay-line} and the struct mirrors; needs no privileges. */
class DelayLineCommandTest {

    private static MainRun run(String... args) {
        return MainRun.of(args);
    }

    private static void assertOneLineError(MainRun outcome, int exitCode, String... fragments) {
        assertEquals(exitCode, outcome.exitCode(), "exit code; stderr: " + outcome.stderr());
        String text = outcome.stderr().strip();
        assertFalse(text.isEmpty(), "no error message");
        assertFalse(text.contains("\n"), "error is not one line: " + text);
        for (String fragment : fragments) {
            assertTrue(text.contains(fragment), "'" + fragment + "' missing from: " + text);
        }
    }

    @Test
    void negativeDelayIsRejected() {
        assertOneLineError(run("delay-line", "attach", "--dev", "lo", "--delay-us", "-1"), 2, "--delay-us", "-1");
    }

    @Test
    void delayAboveOneSecondIsRejected() {
        assertOneLineError(run("delay-line", "set", "--dev", "lo", "--delay-us", "1000001"), 2,
                "--delay-us", "1000000");
    }

    @Test
    void nonNumericDelayIsRejected() {
        assertOneLineError(run("delay-line", "attach", "--dev", "lo", "--delay-us", "5ms"), 2, "--delay-us", "5ms");
    }

    @Test
    void lossAboveHundredPercentIsRejected() {
        assertOneLineError(run("delay-line", "attach", "--dev", "lo", "--loss-pct", "101"), 2, "--loss-pct", "101");
    }

    @Test
    void negativeOrNonNumericLossIsRejected() {
        assertOneLineError(run("delay-line", "set", "--dev", "lo", "--loss-pct", "-0.5"), 2, "--loss-pct");
        assertOneLineError(run("delay-line", "set", "--dev", "lo", "--loss-pct", "half"), 2, "--loss-pct", "half");
    }

    @Test
    void unknownModeIsRejected() {
        assertOneLineError(run("delay-line", "attach", "--dev", "lo", "--mode", "offload"), 2, "--mode", "offload");
    }

    @Test
    void setWithoutValuesIsRejected() {
        assertOneLineError(run("delay-line", "set", "--dev", "lo"), 2, "--delay-us", "--loss-pct");
    }

    @Test
    void missingDeviceIsRejected() {
        assertOneLineError(run("delay-line", "show"), 2, "--dev");
    }

    @Test
    void missingSubcommandIsRejected() {
        assertOneLineError(run("delay-line"), 2, "sub-command");
    }

    @Test
    void unknownInterfaceIsNamed() {
        assertOneLineError(run("delay-line", "show", "--dev", "nosuchdev0"), 1,
                "unknown network interface 'nosuchdev0'");
        assertOneLineError(run("delay-line", "attach", "--dev", "nosuchdev0", "--delay-us", "10"), 1,
                "unknown network interface 'nosuchdev0'");
    }

    @Test
    void malformedInterfaceNameIsRejected() {
        assertOneLineError(run("delay-line", "detach", "--dev", "a-name-far-too-long-for-linux"), 1,
                "invalid network interface name");
    }

    @Test
    void lossPercentBecomesPartsPerMillion() {
        assertEquals(0, DelayLineCommand.parseLossPpm("0", null));
        assertEquals(1, DelayLineCommand.parseLossPpm("0.0001", null));
        assertEquals(125_000, DelayLineCommand.parseLossPpm("12.5", null));
        assertEquals(500_000, DelayLineCommand.parseLossPpm("50", null));
        assertEquals(1_000_000, DelayLineCommand.parseLossPpm("100", null));
        assertEquals(3, DelayLineCommand.parseLossPpm("0.00025", null), "rounds half up to whole ppm");
    }

    @Test
    void configMatchesTheCStructLayout() {
        DelayLineCommand.Config config = new DelayLineCommand.Config(5_000_000L, 125_000);
        byte[] bytes = config.encode();
        assertEquals(16, bytes.length);
        // x86_64 is little-endian: __u64 delay_ns at 0, __u32 loss_ppm at 8, padding at 12.
        assertArrayEquals(new byte[] {0x40, 0x4b, 0x4c, 0x00, 0, 0, 0, 0, 0x48, (byte) 0xe8, 0x01, 0x00, 0, 0, 0, 0},
                bytes);
        assertEquals(config, DelayLineCommand.Config.decode(bytes));
        assertEquals("12.5", config.lossPct());
    }

    @Test
    void statsAreSummedOverCpus() {
        byte[] cpu0 = new byte[32];
        byte[] cpu1 = new byte[32];
        cpu0[0] = 3;   // seen
        cpu0[8] = 2;   // passed
        cpu0[16] = 1;  // dropped
        cpu1[0] = 10;
        cpu1[8] = 9;
        cpu1[16] = 1;
        cpu1[24] = 4;  // wait_exhausted
        assertEquals(new DelayLineCommand.Stats(13, 11, 2, 4), DelayLineCommand.Stats.sum(new byte[][] {cpu0, cpu1}));
    }
}
