package io.stampd.store;

import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;

/**
 * The one candidate datastore that all sessions share (RFC 6241, section 8.3). While nobody has
 * changed it, it follows running (it is re-read from running on each use, so commits and the
 * agent's own writes show through); once changed, it keeps its own content until commit or
 * discard-changes.
 */
final class SharedCandidate {
    private final ConfigTree tree;
    private final RunningDatastore running;
    private boolean modified;

    SharedCandidate(ConfigTree tree, RunningDatastore running) {
        this.tree = tree;
        this.running = running;
    }

    public synchronized ContainerNode content() throws StoreException {
        followRunning();
        return tree.content();
    }

    /** What an edit must pass once applied (access control); refusing it undoes the edit. */
    @FunctionalInterface
    interface Check {
        void check(ContainerNode before, ContainerNode after) throws StoreException;
    }

    /** Applies an edit; on an rpc-error (of the edit or of {@code check}) the candidate stays as it was. */
    public synchronized void edit(ConfigTree.Change change, Check check) throws StoreException {
        followRunning();
        ContainerNode before = tree.content();
        tree.change(change);
        ContainerNode after = tree.content();
        try {
            check.check(before, after);
        } catch (StoreException | RuntimeException e) {
            tree.replace(before);
            throw e;
        }
        if (!after.equals(before)) {
            modified = true;
        }
    }

    /** copy-config to candidate: the candidate becomes {@code content}. */
    public synchronized void replace(ContainerNode content) throws StoreException {
        followRunning();
        ContainerNode before = tree.content();
        tree.replace(content);
        modified = modified || !content.equals(before);
    }

    /** discard-changes: the candidate becomes running again. */
    public synchronized void discard() throws StoreException {
        modified = false;
        followRunning();
    }

    /** After a commit running holds the candidate's content; the candidate follows running again. */
    public synchronized void committed() {
        modified = false;
    }

    /** Whether the candidate holds changes that are neither committed nor discarded. */
    public synchronized boolean modified() {
        return modified;
    }

    private void followRunning() throws StoreException {
        if (!modified) {
            tree.replace(running.read());
        }
    }
}
