package io.stampd.dataplane.core;

import io.stampd.dataplane.DataPlaneCounters;

/**
 * The node-wide counters of the session core, written by the I/O thread only: packets no session
 * took, send errors, failures the loop survived, and where timestamps came from (see {@link
 * DataPlaneCounters}).
 */
public final class NodeCounters {
    public final Counter unmatched = new Counter();
    public final Counter malformed = new Counter();
    public final Counter sendErrors = new Counter();
    public final Counter internalErrors = new Counter();
    public final Counter userSpaceRxTimestamps = new Counter();
    public final Counter kernelTxTimestamps = new Counter();
    public final Counter userSpaceTxTimestamps = new Counter();
    /** Test packets dropped over the per-source rate limit (user space's; XDP's are added on read). */
    public final Counter sourceRateLimited = new Counter();

    /** Zeroes them all (after the warm-up's throw-away sessions touched them). I/O thread. */
    public void reset() {
        unmatched.set(0);
        malformed.set(0);
        sendErrors.set(0);
        internalErrors.set(0);
        userSpaceRxTimestamps.set(0);
        kernelTxTimestamps.set(0);
        userSpaceTxTimestamps.set(0);
        sourceRateLimited.set(0);
    }

    /** A reading, with {@code extraInternalErrors} (the loop's own handler failures) added. */
    public DataPlaneCounters read(long extraInternalErrors) {
        return new DataPlaneCounters(unmatched.get(), malformed.get(), sendErrors.get(),
                internalErrors.get() + extraInternalErrors, userSpaceRxTimestamps.get(), kernelTxTimestamps.get(),
                userSpaceTxTimestamps.get(), sourceRateLimited.get());
    }
}
