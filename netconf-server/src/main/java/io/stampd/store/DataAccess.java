package io.stampd.store;

import java.util.Optional;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;

/**
 * Who may read and change which configuration (RFC 8341, NACM, in stampd's {@code io.stampd.nacm}):
 * the store asks it before any change of the candidate or of running, whichever front end makes
 * it, and the readers ask it for what a client may see. {@link #UNRESTRICTED} lets everything
 * through (a store without access control, as the unit tests build it).
 */
public interface DataAccess {
    DataAccess UNRESTRICTED = new DataAccess() {
        @Override
        public void checkWrite(LockOwner owner, ContainerNode before, ContainerNode after) {
        }

        @Override
        public ContainerNode readable(LockOwner owner, ContainerNode root) {
            return root;
        }

        @Override
        public void validate(ContainerNode content) {
        }
    };

    /**
     * Refuses (access-denied, counted) a change from {@code before} to {@code after} when the
     * owner's user may not create, update or delete one of the nodes it touches; changes nothing.
     */
    void checkWrite(LockOwner owner, ContainerNode before, ContainerNode after) throws StoreException;

    /** {@code root} without the nodes the owner's user may not read (RFC 8341, section 3.4.5). */
    ContainerNode readable(LockOwner owner, ContainerNode root);

    /** Checks what YANG cannot say about the access rules of a configuration about to become running. */
    void validate(ContainerNode content) throws StoreException;

    /** The access control's own state data (NACM's denial counters), laid over running's in a get. */
    default Optional<ContainerNode> state() {
        return Optional.empty();
    }
}
