package io.stampd.tools.watch;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The terminal {@code stampd watch} draws on: its width, and frames redrawn in place on the
 * alternate screen (ANSI/VT100) with the cursor hidden; {@link #restore} puts the screen back.
 */
final class Terminal {
    static final String ENTER = "\u001b[?1049h\u001b[?25l";
    static final String LEAVE = "\u001b[?25h\u001b[?1049l";
    static final String HOME = "\u001b[H";
    static final String CLEAR_TO_END_OF_LINE = "\u001b[K";
    static final String CLEAR_BELOW = "\u001b[J";
    static final int DEFAULT_WIDTH = 80;

    private final PrintStream out;
    private boolean entered;
    private boolean restored;

    Terminal(PrintStream out) {
        this.out = out;
    }

    /** COLUMNS if set, else what {@code stty size} says of the controlling terminal, else 80. */
    static int width() {
        String columns = System.getenv("COLUMNS");
        if (columns != null && columns.strip().matches("[1-9][0-9]{0,4}")) {
            return Integer.parseInt(columns.strip());
        }
        File tty = new File("/dev/tty");
        if (tty.canRead()) {
            try {
                Process p = new ProcessBuilder("stty", "size").redirectInput(tty)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String size = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
                if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0 && size.matches("[0-9]+ [1-9][0-9]*")) {
                    return Integer.parseInt(size.substring(size.indexOf(' ') + 1));
                }
            } catch (IOException e) {
                return DEFAULT_WIDTH;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return DEFAULT_WIDTH;
    }

    /** Draws a frame over the previous one; the first switches to the alternate screen. */
    synchronized void draw(List<String> lines) {
        if (restored) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        if (!entered) {
            sb.append(ENTER);
            entered = true;
        }
        sb.append(HOME);
        for (String line : lines) {
            sb.append(line).append(CLEAR_TO_END_OF_LINE).append("\r\n");
        }
        sb.append(CLEAR_BELOW);
        out.print(sb);
        out.flush();
    }

    /** Leaves the alternate screen and shows the cursor; later frames are not drawn. */
    synchronized void restore() {
        if (entered && !restored) {
            out.print(LEAVE);
            out.flush();
        }
        restored = true;
    }
}
