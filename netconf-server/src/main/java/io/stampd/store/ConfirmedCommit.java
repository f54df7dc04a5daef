package io.stampd.store;

import java.time.Duration;
import java.util.Optional;

/**
 * The parameters of a commit (RFC 6241, sections 8.3.4.1 and 8.4.5.1): whether it is a confirmed
 * commit, how long it waits for confirmation, and the persist token that lets another session (or
 * the same client after a reconnect) confirm or cancel it; {@code persistId} names the pending
 * confirmed commit a confirming commit is meant for.
 */
public record ConfirmedCommit(boolean confirmed, Duration timeout, Optional<String> persist,
                              Optional<String> persistId) {
    /** RFC 6241, section 8.4.5.1: confirm-timeout defaults to 600 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);

    public static final ConfirmedCommit PLAIN = new ConfirmedCommit(false, DEFAULT_TIMEOUT, Optional.empty(),
            Optional.empty());

    public static ConfirmedCommit confirmed(Duration timeout, Optional<String> persist, Optional<String> persistId) {
        return new ConfirmedCommit(true, timeout, persist, persistId);
    }

    public static ConfirmedCommit confirming(Optional<String> persistId) {
        return new ConfirmedCommit(false, DEFAULT_TIMEOUT, Optional.empty(), persistId);
    }
}
