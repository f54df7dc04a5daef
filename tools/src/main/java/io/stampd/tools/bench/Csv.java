package io.stampd.tools.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One benchmark CSV of the harness (see tools/bench): a header line, then comma-separated rows
 * without quoting. Rows are read by column name, so a runner may add or reorder columns; a value
 * that is missing or not a number fails with the file, line and column it came from.
 */
public final class Csv {
    private final String file;
    private final Map<String, Integer> columns;
    private final List<Row> rows;

    private Csv(String file, Map<String, Integer> columns, List<Row> rows) {
        this.file = file;
        this.columns = columns;
        this.rows = rows;
    }

    /** Reads {@code path}; {@code required} columns must all be in the header. */
    public static Csv read(Path path, String... required) {
        String file = path.toString();
        List<String> lines;
        try {
            lines = Files.readAllLines(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || lines.getFirst().isBlank()) {
            throw new MalformedCsvException(file + " line 1: missing header line");
        }
        List<String> header = Arrays.stream(lines.getFirst().split(",", -1)).map(String::strip).toList();
        Map<String, Integer> columns = header.stream().distinct()
                .collect(Collectors.toMap(Function.identity(), header::indexOf));
        for (String name : required) {
            if (!columns.containsKey(name)) {
                throw new MalformedCsvException(file + " line 1: header has no column '" + name + "'");
            }
        }
        Csv csv = new Csv(file, columns, new ArrayList<>());
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] values = line.split(",", -1);
            if (values.length != header.size()) {
                throw new MalformedCsvException(file + " line " + (i + 1) + ": " + values.length
                        + " values, the header has " + header.size() + " columns");
            }
            csv.rows.add(csv.new Row(i + 1, values));
        }
        return csv;
    }

    public String file() {
        return file;
    }

    public List<Row> rows() {
        return rows;
    }

    /** One data line; {@code line} is 1-based as an editor shows it. */
    public final class Row {
        private final int line;
        private final String[] values;

        private Row(int line, String[] values) {
            this.line = line;
            this.values = values;
        }

        public String text(String column) {
            Integer index = columns.get(column);
            if (index == null) {
                throw new MalformedCsvException(file + " line 1: header has no column '" + column + "'");
            }
            String value = values[index].strip();
            if (value.isEmpty()) {
                throw error(column, "empty value");
            }
            return value;
        }

        /** A finite decimal number. */
        public double number(String column) {
            String value = text(column);
            double parsed;
            try {
                parsed = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw error(column, "'" + value + "' is not a number");
            }
            if (!Double.isFinite(parsed)) {
                throw error(column, "'" + value + "' is not a finite number");
            }
            return parsed;
        }

        /** A value that must be one of {@code allowed}, e.g. a direction or role name. */
        public String oneOf(String column, List<String> allowed) {
            String value = text(column);
            if (!allowed.contains(value)) {
                throw error(column, "'" + value + "' is not one of " + String.join(", ", allowed));
            }
            return value;
        }

        private MalformedCsvException error(String column, String problem) {
            return new MalformedCsvException(file + " line " + line + ", column " + column + ": " + problem);
        }
    }

    /** The CSV does not follow its schema; the message names file, line and column. */
    public static final class MalformedCsvException extends IllegalArgumentException {
        MalformedCsvException(String message) {
            super(message);
        }
    }
}
