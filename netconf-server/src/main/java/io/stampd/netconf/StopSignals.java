package io.stampd.netconf;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop: the JVM's default handling would run the shutdown
 * hooks and exit with 143/130, but a clean stop on request is a success (exit 0), and the agent
 * stops its sessions itself before it leaves.
 */
final class StopSignals {
    private StopSignals() {
    }

    static void install(CountDownLatch stopRequested) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> stopRequested.countDown());
        }
    }
}
