package io.stampd.tools.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Processes a test fixture started, so that closing the fixture kills them and their children. */
public final class StartedProcesses {
    private final List<Process> started = new ArrayList<>();

    /** Remembers {@code process} for {@link #killAll}; returns it. */
    public synchronized Process track(Process process) {
        started.add(process);
        return process;
    }

    /** Kills every tracked process and its descendants, waiting up to 5 s for each. */
    public synchronized void killAll() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
    }
}
