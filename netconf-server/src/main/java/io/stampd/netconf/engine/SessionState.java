package io.stampd.netconf.engine;

/** The YANG test-session-state of a session. */
enum SessionState {
    READY("ready"), ACTIVE("active"), COMPLETED("completed"), FAILED("failed");

    final String yangName;

    SessionState(String yangName) {
        this.yangName = yangName;
    }
}
