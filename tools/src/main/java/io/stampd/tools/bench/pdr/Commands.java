package io.stampd.tools.bench.pdr;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the short external commands of the benchmark's set-up (ip, the topology script) with a time bound. */
final class Commands {
    private static final long TIMEOUT_S = 60;

    private Commands() {
    }

    /** Runs {@code command}, returns its stdout; a non-zero exit or a time-out is an error quoting stderr. */
    static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().close();
            byte[][] streams = new byte[2][];
            Thread errReader = Thread.ofPlatform().start(() -> streams[1] = readAll(p.getErrorStream()));
            streams[0] = readAll(p.getInputStream());
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": no exit within " + TIMEOUT_S + " s");
            }
            errReader.join();
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + new String(streams[1], StandardCharsets.UTF_8).strip());
            }
            return new String(streams[0], StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
    }

    /** KEY=VALUE lines of a command's output. */
    static Map<String, String> keyValues(String output) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return m;
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
