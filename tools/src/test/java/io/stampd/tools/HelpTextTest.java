package io.stampd.tools;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every help text renders without picocli's complaint about a bare '%' (its descriptions are
 * format strings: a literal percent sign is "%%"), which a new user otherwise meets first thing
 * at {@code stampd --help}.
 */
class HelpTextTest {
    @Test
    void everyHelpRendersWithoutAPicocliWarning() {
        List<String[]> helps = new ArrayList<>();
        helps.add(new String[] {"--help"});
        for (String name : new CommandLine(new Main()).getSubcommands().keySet()) {
            helps.add(new String[] {name, "--help"});
        }
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            for (String[] args : helps) {
                MainRun run = MainRun.of(args);
                assertEquals(0, run.exitCode(), String.join(" ", args));
                assertFalse(run.stderr().contains("picocli"), String.join(" ", args) + ": " + run.stderr());
                assertEquals("", run.stderr(), String.join(" ", args));
            }
        } finally {
            System.setOut(out);
        }
    }
}
