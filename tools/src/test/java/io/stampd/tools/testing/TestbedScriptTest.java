package io.stampd.tools.testing;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tools/testbed rejects bad arguments before it touches anything (so this needs no root). */
class TestbedScriptTest {

    private static Testbed.Result testbed(String... args) {
        List<String> command = new ArrayList<>(List.of(TestEnv.projectRoot().resolve("tools/testbed").toString()));
        command.addAll(List.of(args));
        return Testbed.run(Duration.ofSeconds(20), command);
    }

    private static void assertUsageError(Testbed.Result result, String fragment) {
        assertEquals(2, result.exitCode(), "exit code; stderr: " + result.stderr());
        String text = result.stderr().strip();
        assertFalse(text.contains("\n"), "error is not one line: " + text);
        assertTrue(text.contains(fragment), "'" + fragment + "' missing from: " + text);
        assertEquals("", result.stdout());
    }

    @Test
    void unknownOptionsAndCommandsAreUsageErrors() {
        assertUsageError(testbed("up", "--bogus"), "'--bogus'");
        assertUsageError(testbed("down", "--id"), "--id needs a value");
        assertUsageError(testbed("status", "--all"), "'--all'");
        assertUsageError(testbed("reboot"), "unknown command 'reboot'");
        assertUsageError(testbed(), "missing command");
    }

    @Test
    void valuesAreCheckedBeforeAnythingIsCreated() {
        assertUsageError(testbed("up", "--delay-us", "-5"), "--delay-us");
        assertUsageError(testbed("up", "--delay-us", "1000001"), "--delay-us");
        assertUsageError(testbed("up", "--loss-pct", "100.01"), "--loss-pct");
        assertUsageError(testbed("up", "--id", "no/slash"), "--id");
        assertUsageError(testbed("set", "--id", "abc"), "set needs --delay-us and/or --loss-pct");
        assertUsageError(testbed("down", "--all", "--id", "abc"), "either --id or --all");
    }

    @Test
    void parsesKeyValueLinesOnly() {
        assertEquals(java.util.Map.of("TESTBED_ID", "a1b2c3", "LOSS_PCT", "0.5"),
                Testbed.parse("testbed: progress\nTESTBED_ID=a1b2c3\nLOSS_PCT=0.5\nnot a pair\nlower=case\n"));
    }
}
