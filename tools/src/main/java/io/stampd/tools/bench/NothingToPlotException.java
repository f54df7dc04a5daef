package io.stampd.tools.bench;

/** The CSV is well-formed but holds no rows for a figure (e.g. a quick run without experiment c). */
final class NothingToPlotException extends RuntimeException {
    NothingToPlotException(String reason) {
        super(reason);
    }
}
