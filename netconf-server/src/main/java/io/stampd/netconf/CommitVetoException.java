package io.stampd.netconf;

import org.opendaylight.yangtools.yang.common.ErrorTag;

/**
 * A configuration change that the agent refuses. {@code path} names the offending node in the
 * client's terms (an XPath like {@code /stamp/stamp-session-sender/sender-test-session[stamp-session-id='1']}),
 * {@code tag} is the NETCONF error-tag the client should see.
 */
public final class CommitVetoException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final transient ErrorTag tag;

    public CommitVetoException(String path, ErrorTag tag, String message) {
        super(message);
        this.path = path;
        this.tag = tag;
    }

    public CommitVetoException(String path, String message) {
        this(path, ErrorTag.INVALID_VALUE, message);
    }

    public String path() {
        return path;
    }

    public ErrorTag tag() {
        return tag;
    }
}
