package io.stampd.dataplane.core;

import io.stampd.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One I/O thread that owns sockets and sessions: it waits in epoll_pwait2 (nanosecond timeout)
 * for the next readable socket or the next timer ({@link TimerWheel}), whichever comes first. Everything that touches
 * session state runs on this thread, so the packet path takes no locks; other threads hand work
 * over with {@link #call}. A failure in a handler is logged and counted; the loop goes on.
 */
public final class EventLoop implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventLoop.class.getName());
    private static final int MAX_EVENTS = 64;
    private static final int WAKE_TOKEN = -1;
    private static final int MAX_TIMERS_PER_TURN = 64;

    /** Something to do when a socket becomes readable or has something on its error queue. */
    public interface ReadHandler {
        /** {@code events}: the epoll bits reported (EPOLLIN, EPOLLERR, ...). */
        void onReady(int events);
    }

    /** A timer: {@link #fire} runs at its deadline and returns the next deadline (System.nanoTime), or -1. */
    public abstract static class Timer {
        long deadline = -1;
        /** Its bucket in the {@link TimerWheel}, or {@link TimerWheel#UNSCHEDULED} / {@link TimerWheel#FAR}. */
        int slot = TimerWheel.UNSCHEDULED;
        Timer prev;
        Timer next;
        /** Its place in the wheel's {@link TimerHeap} while it is due further ahead than the wheel spans. */
        int heapIndex = -1;

        /** Runs at the deadline (loop thread); returns the next deadline (System.nanoTime) or -1. */
        protected abstract long fire(long now);

        /**
         * Whether {@link #fire} may leave what it sends held back for a batch (a test packet), to
         * go out with those of the other timers due in the same turn ({@link #afterTimers}).
         */
        protected boolean batchesSends() {
            return false;
        }
    }

    private final int epfd;
    private final int wakeFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events;
    private final MemorySegment ctlEvent;
    private final MemorySegment wakeBuf;
    /** The eventfd increment (1); written once, read by whichever thread wakes the loop. */
    private final MemorySegment wakeOne;
    private final List<ReadHandler> handlers = new ArrayList<>();
    private final List<Integer> freeTokens = new ArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private static final LongSupplier CLOCK = System::nanoTime;
    private final TimerWheel timers;
    /** Run after the sending timers of a turn have fired: the planes send what those held back (in batches). */
    private Runnable[] afterTimers = new Runnable[0];
    private final Runnable flushSends = this::flushSends;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long handlerFailures;
    /**
     * How long before a timer's deadline the loop stops sleeping and polls instead. A sleeping
     * thread wakes ~100 µs late on a VM and runs its first packet on cold caches (a halted vCPU);
     * polling for the last stretch sends on time from a warm CPU, at the cost of that much CPU per
     * timer event when timers are sparse.
     */
    private volatile long spinNanos;

    public EventLoop(String name) {
        epfd = Libc.epollCreate();
        if (epfd < 0) {
            throw new IllegalStateException("epoll_create1 failed: " + Libc.strerror(-epfd));
        }
        wakeFd = Libc.eventfd();
        if (wakeFd < 0) {
            Libc.close(epfd);
            throw new IllegalStateException("eventfd failed: " + Libc.strerror(-wakeFd));
        }
        events = arena.allocate((long) Libc.EPOLL_EVENT_SIZE * MAX_EVENTS, 8);
        ctlEvent = arena.allocate(Libc.EPOLL_EVENT_SIZE, 8);
        wakeBuf = arena.allocate(8, 8);
        wakeOne = arena.allocate(8, 8);
        wakeOne.set(JAVA_LONG, 0, 1L);
        addFd(wakeFd, WAKE_TOKEN);
        timers = new TimerWheel(System.nanoTime(), e -> failure("timer", e));
        thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        thread.start();
    }

    public void spinNanos(long nanos) {
        spinNanos = Math.max(0, nanos);
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    public long handlerFailures() {
        return handlerFailures;
    }

    private void addFd(int fd, int token) {
        ctlEvent.set(JAVA_INT, Libc.EPOLL_EVENT_EVENTS, Libc.EPOLLIN);
        ctlEvent.set(Libc.LONG_U, Libc.EPOLL_EVENT_DATA, token);
        int r = Libc.epollCtl(epfd, Libc.EPOLL_CTL_ADD, fd, ctlEvent);
        if (r < 0) {
            throw new IllegalStateException("epoll_ctl ADD fd " + fd + " failed: " + Libc.strerror(-r));
        }
    }

    /** Registers a socket; loop thread only. Returns the token to pass to {@link #unregister}. */
    public int register(int fd, ReadHandler h) {
        assert inLoop();
        int token;
        if (!freeTokens.isEmpty()) {
            token = freeTokens.removeLast();
            handlers.set(token, h);
        } else {
            token = handlers.size();
            handlers.add(h);
        }
        addFd(fd, token);
        return token;
    }

    public void unregister(int fd, int token) {
        assert inLoop();
        Libc.epollCtl(epfd, Libc.EPOLL_CTL_DEL, fd, ctlEvent);
        handlers.set(token, null);
        freeTokens.add(token);
    }

    // ---- timers (a hashed timing wheel) ---------------------------------------------------------

    public void schedule(Timer t, long deadline) {
        assert inLoop();
        timers.schedule(t, deadline);
    }

    public void cancel(Timer t) {
        timers.cancel(t);
    }

    /**
     * Has {@code flush} run on the loop thread after the sending timers of a turn have fired,
     * before any other timer and before the loop turns to its sockets: a plane sends there what
     * they held back. Loop thread only.
     */
    public void afterTimers(Runnable flush) {
        assert inLoop();
        afterTimers = java.util.Arrays.copyOf(afterTimers, afterTimers.length + 1);
        afterTimers[afterTimers.length - 1] = flush;
    }

    private void flushSends() {
        for (Runnable flush : afterTimers) {
            try {
                flush.run();
            } catch (Throwable e) {
                failure("send", e);
            }
        }
    }

    // ---- cross-thread hand-over ----------------------------------------------------------------

    public void execute(Runnable task) {
        tasks.add(task);
        wakeup();
    }

    /** Runs {@code task} on the loop thread and waits for its result; exceptions come back as they were. */
    public <T> T call(Callable<T> task) {
        if (inLoop()) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the I/O thread");
        } catch (TimeoutException e) {
            throw new IllegalStateException("the I/O thread did not answer within 10 s");
        }
    }

    private void wakeup() {
        Libc.write(wakeFd, wakeOne, 8);
    }

    // ---- the loop ------------------------------------------------------------------------------

    private void run() {
        Libc.setTimerSlack(1); // default slack of 50 us would delay every timed send
        while (running) {
            // At most a bounded number of due timers per turn, then a look at the sockets: with
            // thousands of sessions due at once, replies must not wait behind every send.
            timers.fireDue(MAX_TIMERS_PER_TURN, CLOCK, flushSends);
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (Throwable e) {
                    failure("task", e);
                }
            }
            long timeout = 1_000_000_000L;
            long next = timers.nextDeadline();
            if (next != Long.MAX_VALUE) {
                long wait = next - System.nanoTime();
                timeout = wait > spinNanos ? wait - spinNanos : 0;
            }
            int n = Libc.epollWait(epfd, events, MAX_EVENTS, timeout);
            for (int i = 0; i < n; i++) {
                long at = (long) Libc.EPOLL_EVENT_SIZE * i;
                int token = (int) events.get(Libc.LONG_U, at + Libc.EPOLL_EVENT_DATA);
                if (token == WAKE_TOKEN) {
                    Libc.read(wakeFd, wakeBuf, 8);
                    continue;
                }
                ReadHandler h = token < handlers.size() ? handlers.get(token) : null;
                if (h != null) {
                    try {
                        h.onReady(events.get(Libc.INT_U, at + Libc.EPOLL_EVENT_EVENTS));
                    } catch (Throwable e) {
                        failure("receive", e);
                    }
                }
            }
        }
    }

    private void failure(String where, Throwable e) {
        handlerFailures++;
        LOG.log(Level.WARNING, "stampd I/O " + where + " failed (the loop goes on): " + e, e);
    }

    @Override
    public void close() {
        running = false;
        wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Libc.close(wakeFd);
        Libc.close(epfd);
        arena.close();
    }
}
