package io.stampd.tools.bench.pdr;

import io.stampd.tools.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad bench-pdr arguments are refused with one line naming the option, before any namespace exists. */
class BenchPdrArgumentsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--rounds|0|--rounds",
            "--trial|20|--trial",
            "--steps|0|--steps",
            "--overload|500|--overload",
            "--shares|0,150|--shares",
            "--roles|sender|--roles",
            "--planes|af-packet|--planes",
            "--id|bad-id!|--id"})
    void namesTheBadOption(String option, String value, String named) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("bench-pdr", "--out", dir.toString(), option, value);
        } finally {
            System.setErr(err);
        }
        String text = captured.toString(StandardCharsets.UTF_8).strip();
        assertEquals(2, code, text);
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.contains(named), text);
    }

    @Test
    void aRoleNoChosenPlaneCanPlayIsRefused() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("bench-pdr", "--out", dir.toString(), "--roles", "collector", "--planes", "xdp-swap");
        } finally {
            System.setErr(err);
        }
        String text = captured.toString(StandardCharsets.UTF_8).strip();
        assertEquals(2, code, text);
        assertTrue(text.contains("leave nothing to measure"), text);
    }
}
