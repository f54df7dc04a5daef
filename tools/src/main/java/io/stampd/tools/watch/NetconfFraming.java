package io.stampd.tools.watch;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * NETCONF message framing over SSH (RFC 6242): the hellos and every message of a base:1.0
 * session end with {@code ]]>]]>}; once both sides announced base:1.1, messages are chunked
 * ({@code \n#<size>\n<bytes>...\n##\n}).
 */
final class NetconfFraming {
    static final String END_OF_MESSAGE = "]]>]]>";
    /** RFC 6242 section 4.2: a chunk size is 1..4294967295. */
    private static final long MAX_CHUNK = 4294967295L;
    /** A reply larger than this is refused, not buffered without bound. */
    static final int MAX_MESSAGE = 256 << 20;

    private final InputStream in;
    private final OutputStream out;
    private boolean chunked;

    NetconfFraming(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    /** After the hellos: both sides support base:1.1. */
    void useChunked() {
        chunked = true;
    }

    boolean chunked() {
        return chunked;
    }

    void write(String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        if (chunked) {
            out.write(("\n#" + body.length + "\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write("\n##\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            out.write(body);
            out.write(END_OF_MESSAGE.getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    String read() throws IOException {
        return chunked ? readChunked() : readToEndOfMessage();
    }

    private String readToEndOfMessage() throws IOException {
        EndOfMessageBuffer buf = new EndOfMessageBuffer();
        while (!buf.endsWithMarker()) {
            buf.write(next());
            if (buf.size() > MAX_MESSAGE) {
                throw new IOException("NETCONF message longer than " + MAX_MESSAGE + " bytes without ]]>]]>");
            }
        }
        return buf.messageBeforeMarker();
    }

    /** Bytes read so far, checked after each byte for the marker at their end. */
    private static final class EndOfMessageBuffer extends ByteArrayOutputStream {
        private static final byte[] MARKER = END_OF_MESSAGE.getBytes(StandardCharsets.US_ASCII);

        EndOfMessageBuffer() {
            super(4096);
        }

        boolean endsWithMarker() {
            return count >= MARKER.length
                    && java.util.Arrays.equals(buf, count - MARKER.length, count, MARKER, 0, MARKER.length);
        }

        String messageBeforeMarker() {
            return new String(buf, 0, count - MARKER.length, StandardCharsets.UTF_8);
        }
    }

    private String readChunked() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
        while (true) {
            expect('\n');
            expect('#');
            int first = next();
            if (first == '#') {
                expect('\n');
                return buf.toString(StandardCharsets.UTF_8);
            }
            long size = 0;
            int c = first;
            int digits = 0;
            while (c != '\n') {
                if (c < '0' || c > '9' || (digits == 0 && c == '0') || ++digits > 10) {
                    throw new IOException("NETCONF chunk header: bad size character '" + (char) c + "'");
                }
                size = size * 10 + (c - '0');
                c = next();
            }
            if (digits == 0 || size > MAX_CHUNK) {
                throw new IOException("NETCONF chunk header: size " + size + " out of range");
            }
            if (buf.size() + size > MAX_MESSAGE) {
                throw new IOException("NETCONF message longer than " + MAX_MESSAGE + " bytes");
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new EOFException("NETCONF session closed inside a chunk");
            }
            buf.write(chunk);
        }
    }

    private void expect(int wanted) throws IOException {
        int b = next();
        if (b != wanted) {
            throw new IOException("NETCONF chunked framing: expected '" + printable(wanted) + "', got '"
                    + printable(b) + "'");
        }
    }

    private int next() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("NETCONF session closed by the agent");
        }
        return b;
    }

    private static String printable(int b) {
        return b == '\n' ? "\\n" : String.valueOf((char) b);
    }
}
