package io.stampd.tools.plot;

import io.stampd.tools.watch.DelayPoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The two inputs of stampd plot, and the one-line errors for everything else. */
class DelayRecordsFileTest {
    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        Path f = dir.resolve("in-" + content.hashCode());
        Files.writeString(f, content);
        return f;
    }

    @Test
    void probeJsonRecordsAreReadAndTheOtherLinesSkipped() throws IOException {
        Path f = file("""
                {"type":"record","ssid":1,"seq":1,"t1_ns":2000,"t2_ns":2500,"t3_ns":2600,"t4_ns":2900,"forward_ns":500,"backward_ns":300,"rtt_ns":800,"ttl":64,"reflector_seq":1}
                {"type":"counters","sent":2,"received":1}
                {"type":"record","ssid":1,"seq":0,"t1_ns":1000,"t2_ns":1400,"t3_ns":1500,"t4_ns":1700,"forward_ns":400,"backward_ns":200,"rtt_ns":600,"ttl":64,"reflector_seq":0}

                {"type":"summary","ssid":1,"sent":2,"received":2,"forward":{"count":2}}
                """);
        assertEquals(List.of(new DelayPoint(0, 1000, 1700, 400, 200, 600), new DelayPoint(1, 2000, 2900, 500, 300, 800)),
                DelayRecordsFile.read(f));
    }

    @Test
    void fetchRecordsOrGetRepliesAreRead() throws IOException {
        Path f = dir.resolve("reply.xml");
        try (InputStream in = getClass().getResourceAsStream("/watch/sender-state-reply.xml")) {
            Files.write(f, in.readAllBytes());
        }
        List<DelayPoint> points = DelayRecordsFile.read(f);
        assertEquals(List.of(32L, 33L), points.stream().map(DelayPoint::seq).toList());
        assertEquals(3876L, points.get(1).forwardNanos());

        Path fetch = file("<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" message-id=\"4\">"
                + "<remaining-records xmlns=\"urn:stampd:yang:stampd-stamp\">0</remaining-records>"
                + "<record xmlns=\"urn:stampd:yang:stampd-stamp\"><sequence-number>5</sequence-number><t1>10</t1>"
                + "<t2>15</t2><t3>16</t3><t4>30</t4><two-way-delay>19</two-way-delay>"
                + "<one-way-delay-far-end>5</one-way-delay-far-end><one-way-delay-near-end>14</one-way-delay-near-end>"
                + "</record></rpc-reply>");
        assertEquals(List.of(new DelayPoint(5, 10, 30, 5, 14, 19)), DelayRecordsFile.read(fetch));
    }

    @Test
    void everythingElseIsAOneLineErrorNamingTheFile() throws IOException {
        assertMessage(file(""), " is empty");
        assertMessage(file("time,delay\n1,2\n"), " is neither the JSON lines of 'stampd probe --json' nor the XML"
                + " of a fetch-records reply");
        assertMessage(file("{\"type\":\"summary\",\"sent\":3,\"received\":0}\n"), " holds no measurement records"
                + " (a probe that got no reply, or a fetch-records reply without records)");
        assertMessage(file("<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"/>"),
                " holds no measurement records (a probe that got no reply, or a fetch-records reply without records)");
        Path broken = file("{\"type\":\"record\",\"seq\":1}\n{\"type\":\n");
        assertEquals(broken + " line 1: record without a number in \"t1_ns\"",
                assertThrows(IOException.class, () -> DelayRecordsFile.read(broken)).getMessage());
        Path truncated = file("{\"type\":\"counters\"}\n{\"type\":\n");
        assertEquals(true, assertThrows(IOException.class, () -> DelayRecordsFile.read(truncated)).getMessage()
                .startsWith(truncated + " line 2: not JSON ("));
        assertEquals(dir.resolve("missing.json") + ": no such file", assertThrows(IOException.class,
                () -> DelayRecordsFile.read(dir.resolve("missing.json"))).getMessage());
    }

    private static void assertMessage(Path f, String tail) {
        assertEquals(f + tail, assertThrows(IOException.class, () -> DelayRecordsFile.read(f)).getMessage());
    }
}
