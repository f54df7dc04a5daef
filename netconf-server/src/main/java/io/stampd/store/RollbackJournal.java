package io.stampd.store;

import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;

/**
 * Where the configuration a pending confirmed commit would return to survives the agent: if the
 * agent stops or crashes before the commit is confirmed, it starts again from that configuration,
 * as the timer would have left it (RFC 6241, section 8.4: an unconfirmed commit does not stay).
 */
public interface RollbackJournal {
    /** Keeps {@code rollback} durably; called before the confirmed commit changes running. */
    void pending(ContainerNode rollback) throws StoreException;

    /** The confirmed commit was confirmed, cancelled or rolled back: nothing to return to any more. */
    void cleared();

    RollbackJournal NONE = new RollbackJournal() {
        @Override
        public void pending(ContainerNode rollback) {
        }

        @Override
        public void cleared() {
        }
    };
}
