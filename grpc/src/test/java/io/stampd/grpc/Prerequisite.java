package io.stampd.grpc;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (openssl, Debian's Python gRPC packages): a missing piece skips
 * the test, except under CI (env CI=true), where a skip would hide a broken machine, so it fails.
 * The same rule as io.stampd.sys.TestMachine, kept here so this module depends on no other.
 */
final class Prerequisite {
    private Prerequisite() {
    }

    static void require(boolean present, String missing) {
        if (present) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(missing + " (CI=true, so this fails instead of being skipped)");
        }
        Assumptions.abort(missing);
    }
}
