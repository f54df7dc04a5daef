package io.stampd.tools.plot;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.stampd.tools.watch.DelayPoint;
import io.stampd.tools.watch.SenderStateXml;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The measurements {@code stampd plot} draws, from one of two files: the JSON lines of
 * {@code stampd probe --json} (objects with "type":"record"; the counters and summary lines are
 * skipped), or the XML reply of the agent's {@code fetch-records} operation (or of a {@code <get>}
 * of the sender state), e.g. as ncclient prints it. The format is told by the first character.
 */
public final class DelayRecordsFile {
    private DelayRecordsFile() {
    }

    /** The records sorted by T1; a file without any, or that is neither format, is an error naming it. */
    public static List<DelayPoint> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String start = text.stripLeading();
        List<DelayPoint> points;
        if (start.isEmpty()) {
            throw new IOException(file + " is empty");
        } else if (start.startsWith("{")) {
            points = json(file, text);
        } else if (start.startsWith("<")) {
            points = xml(file, start);
        } else {
            throw new IOException(file + " is neither the JSON lines of 'stampd probe --json' nor the XML of a"
                    + " fetch-records reply");
        }
        if (points.isEmpty()) {
            throw new IOException(file + " holds no measurement records (a probe that got no reply, or a"
                    + " fetch-records reply without records)");
        }
        return points.stream().sorted(Comparator.comparingLong(DelayPoint::t1Nanos)).toList();
    }

    private static List<DelayPoint> json(Path file, String text) throws IOException {
        List<DelayPoint> points = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + " line " + (i + 1);
            JsonObject o;
            try {
                JsonElement e = JsonParser.parseString(line);
                if (!e.isJsonObject()) {
                    throw new IOException(where + ": not a JSON object");
                }
                o = e.getAsJsonObject();
            } catch (JsonParseException e) {
                throw new IOException(where + ": not JSON (" + e.getMessage() + ")", e);
            }
            if (!o.has("type") || !"record".equals(o.get("type").getAsString())) {
                continue;
            }
            points.add(new DelayPoint(number(o, "seq", where), number(o, "t1_ns", where), number(o, "t4_ns", where),
                    number(o, "forward_ns", where), number(o, "backward_ns", where), number(o, "rtt_ns", where)));
        }
        return points;
    }

    private static long number(JsonObject o, String field, String where) throws IOException {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IOException(where + ": record without a number in \"" + field + "\"");
        }
        return e.getAsLong();
    }

    private static List<DelayPoint> xml(Path file, String text) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return SenderStateXml.records(f.newDocumentBuilder().parse(new org.xml.sax.InputSource(
                    new StringReader(text))));
        } catch (org.xml.sax.SAXException e) {
            throw new IOException(file + ": not well-formed XML (" + e.getMessage() + ")", e);
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
