package io.stampd.tools.watch;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6242 framing: end-of-message for hellos and base:1.0, chunks for base:1.1 (its section 4.2 example). */
class NetconfFramingTest {
    private static NetconfFraming reading(String wire) {
        return new NetconfFraming(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)),
                OutputStream.nullOutputStream());
    }

    @Test
    void endOfMessageFramingSplitsMessagesAtTheMarker() throws IOException {
        NetconfFraming f = reading("<hello/>]]>]]><a>]]>]]</a>]]>]]>");
        assertEquals("<hello/>", f.read());
        // a partial marker inside a message is content
        assertEquals("<a>]]>]]</a>", f.read());
        assertThrows(EOFException.class, f::read);
    }

    @Test
    void chunkedFramingJoinsChunksAsRfc6242Shows() throws IOException {
        NetconfFraming f = reading("\n#4\n<rpc\n#18\n message-id=\"102\"\n\n#79\n"
                + "     xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  <close-session/>\n</rpc>\n##\n");
        f.useChunked();
        assertEquals("<rpc message-id=\"102\"\n     xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n"
                + "  <close-session/>\n</rpc>", f.read());
    }

    @Test
    void badChunkHeadersAndTruncatedChunksAreErrors() {
        for (String wire : new String[] {"\n#0\nx\n##\n", "\n#x\n", "#4\nabcd\n##\n", "\n#01\na\n##\n"}) {
            NetconfFraming f = reading(wire);
            f.useChunked();
            assertThrows(IOException.class, f::read, wire);
        }
        NetconfFraming truncated = reading("\n#10\nabc");
        truncated.useChunked();
        assertThrows(EOFException.class, truncated::read);
    }

    @Test
    void writesBothFramings() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NetconfFraming f = new NetconfFraming(new ByteArrayInputStream(new byte[0]), out);
        f.write("<hello/>");
        f.useChunked();
        f.write("<rpc>é</rpc>");
        String wire = out.toString(StandardCharsets.UTF_8);
        assertEquals("<hello/>]]>]]>\n#13\n<rpc>é</rpc>\n##\n", wire);
        assertTrue(f.chunked());
    }
}
