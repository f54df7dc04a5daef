package io.stampd.tools.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** Median, minimum and maximum of one measurement over {@code n} rounds (or repeated rows). */
public record Spread(double median, double min, double max, int n) {

    public static Spread of(Collection<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Spread(median, sorted.getFirst(), sorted.getLast(), n);
    }

    /** Groups {@code items} by {@code key} (first-seen order) and takes the spread of {@code value} per group. */
    public static <T, K> Map<K, Spread> byKey(Collection<T> items, Function<T, K> key, ToDoubleFunction<T> value) {
        Map<K, List<Double>> groups = new LinkedHashMap<>();
        for (T item : items) {
            groups.computeIfAbsent(key.apply(item), k -> new ArrayList<>()).add(value.applyAsDouble(item));
        }
        Map<K, Spread> spreads = new LinkedHashMap<>();
        groups.forEach((k, values) -> spreads.put(k, of(values)));
        return spreads;
    }

    public Spread scaled(double factor) {
        return new Spread(median * factor, min * factor, max * factor, n);
    }

    /** Whether there is anything to draw as a whisker. */
    public boolean hasRange() {
        return n > 1;
    }
}
