package io.stampd.netconf;

/**
 * The application's say over configuration commits. {@link CheckedDataBroker} calls it for every
 * commit of a NETCONF client (and {@link #validate} alone for {@code <validate>}); a
 * {@link CommitVetoException} becomes an rpc-error and running stays unchanged.
 *
 * <p>Order on commit: {@code validate}, then {@code apply}, then the datastore commit; if that
 * commit fails after {@code apply} succeeded (a concurrent commit changed the same data), {@code
 * revert}. Commits are serialised: no two run these steps at the same time.
 */
public interface ConfigCommitHook {
    /** Checks the change without side effects. */
    void validate(ConfigChange change) throws CommitVetoException;

    /**
     * Makes the engine follow the change. If it throws, the engine must be as before the call.
     */
    default void apply(ConfigChange change) throws CommitVetoException {
    }

    /** Undoes a successful {@link #apply} whose datastore commit then failed. */
    default void revert(ConfigChange change) {
    }

    ConfigCommitHook ACCEPT_ALL = change -> { };
}
