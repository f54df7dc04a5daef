package io.stampd.tools.watch;

import java.io.IOException;
import java.util.List;

/** Where {@code stampd watch} reads sender sessions from, once per refresh. */
interface SessionSource extends AutoCloseable {
    /** What is watched, for the title line. */
    String describe();

    /** The sessions now, sorted by id. */
    List<SessionSample> poll() throws IOException;

    @Override
    void close();
}
