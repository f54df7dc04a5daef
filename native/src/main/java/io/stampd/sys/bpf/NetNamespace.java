package io.stampd.sys.bpf;

import io.stampd.sys.Libc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs code inside a named network namespace ({@code ip netns add NAME}, i.e. /run/netns/NAME)
 * without touching the rest of the process: a fresh platform thread joins the namespace with
 * setns(2) and runs the task there. Sockets, interface look-ups ({@link NetInterfaces}) and
 * BPF_PROG_RUN live frames ({@link XdpLiveFrames}) done by the task act in that namespace.
 */
public final class NetNamespace {
    private static final Path NETNS_DIR = Path.of("/run/netns");

    private NetNamespace() {
    }

    /**
     * Runs {@code task} in network namespace {@code name} on a new platform thread, waits for it
     * and returns its result; an exception thrown by the task is rethrown as is.
     *
     * @throws IllegalArgumentException if the name is malformed or there is no such namespace
     * @throws BpfException             naming open or setns and the errno if joining fails
     */
    public static <T> T callIn(String name, Callable<T> task) throws Exception {
        Path path = pathOf(name);
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name("netns-" + name).unstarted(() -> {
            try {
                enter(path);
                result.set(task.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            // The task keeps running to its end (a BPF_PROG_RUN cannot be abandoned); wait for it.
            thread.interrupt();
            thread.join();
            throw e;
        }
        Throwable t = failure.get();
        if (t == null) {
            return result.get();
        }
        if (t instanceof Exception e) {
            throw e;
        }
        throw (Error) t;
    }

    /** /run/netns/NAME, after checking the name cannot leave that directory. */
    static Path pathOf(String name) {
        if (name == null || name.isEmpty() || name.length() > 255 || name.equals(".") || name.equals("..")
                || name.chars().anyMatch(c -> c == '/' || c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("invalid network namespace name '" + name
                    + "' (printable characters, no '/' or blanks)");
        }
        Path path = NETNS_DIR.resolve(name);
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("no network namespace '" + name + "' (" + path + " does not exist)");
        }
        return path;
    }

    /** Moves the calling thread into the namespace at {@code path}. */
    private static void enter(Path path) {
        int fd = Libc.open(path.toString(), Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0) {
            throw new BpfException("open", path.toString(), fd);
        }
        try {
            int rc = Libc.setns(fd, Libc.CLONE_NEWNET);
            if (rc < 0) {
                throw new BpfException("setns", "network namespace " + path, rc);
            }
        } finally {
            Libc.close(fd);
        }
    }
}
