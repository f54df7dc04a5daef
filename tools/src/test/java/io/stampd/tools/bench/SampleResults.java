package io.stampd.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Writes a results directory in the schemas of tools/bench, with plausible numbers: PDR of a router
 * that forwards at some rate and handles STAMP at another (harmonic mix over the share), a few
 * percent of noise per round.
 */
final class SampleResults {
    static final int ROUNDS = 3;
    private static final double[] SHARES = {0, 0.01, 0.1, 1, 10, 20, 50, 100};
    private static final String[] ROLES = {"reflector", "collector"};

    /** Forwarding PDR with this data plane attached, and STAMP-only PDR per role, in pps. */
    private record Model(String dataplane, double forwardPps, double reflectPps, double collectPps) {
        double pdr(String role, double sharePct) {
            double stamp = role.equals("reflector") ? reflectPps : collectPps;
            double s = sharePct / 100;
            return 1 / ((1 - s) / forwardPps + s / stamp);
        }
    }

    private static final List<Model> MODELS = List.of(
            new Model("socket", 270_000, 12_000, 25_000),
            new Model("af-packet", 290_000, 150_000, 210_000),
            new Model("xdp", 295_000, 620_000, 870_000));
    private static final double BASELINE_PPS = 300_000;

    private SampleResults() {
    }

    static void writeAll(Path dir) throws IOException {
        writePdr(dir, ROUNDS, List.of("a", "b", "c"));
        writeAccuracy(dir);
        writeScale(dir);
    }

    static void writePdr(Path dir, int rounds, List<String> experiments) throws IOException {
        Random noise = new Random(42);
        List<String> lines = new ArrayList<>(List.of("experiment,round,role,dataplane,share_pct,pdr_pps,"
                + "overload_offered_pps,overload_delivered_pps,router_ns_per_pkt,stamp_processed_pps,trials"));
        for (int round = 1; round <= rounds; round++) {
            for (String experiment : experiments) {
                if (!experiment.equals("b")) {
                    lines.add(pdrLine(experiment, round, "none", "baseline", 0, BASELINE_PPS, noise));
                }
                // The XDP yardsticks, each at its own share only.
                if (experiment.equals("a")) {
                    lines.add(pdrLine(experiment, round, "reflector", "xdp-pass", 0, 298_000, noise));
                } else if (experiment.equals("b")) {
                    lines.add(pdrLine(experiment, round, "reflector", "xdp-swap", 100, 900_000, noise));
                    lines.add(pdrLine(experiment, round, "collector", "xdp-drop", 100, 1_100_000, noise));
                }
                for (Model model : MODELS) {
                    for (String role : ROLES) {
                        for (double share : switch (experiment) {
                            case "a" -> new double[] {0};
                            case "b" -> new double[] {100};
                            default -> SHARES;
                        }) {
                            lines.add(pdrLine(experiment, round, role, model.dataplane(), share,
                                    model.pdr(role, share), noise));
                        }
                    }
                }
            }
        }
        Files.write(dir.resolve("pdr.csv"), lines);
    }

    private static String pdrLine(String experiment, int round, String role, String dataplane, double share,
                                  double pps, Random noise) {
        double pdr = Math.round(pps * (0.95 + 0.1 * noise.nextDouble()));
        return String.join(",", experiment, String.valueOf(round), role, dataplane, plain(share), plain(pdr),
                plain(pdr * 1.2), plain(pdr * 1.05), "850.5", plain(pdr * share / 100), "9");
    }

    static void writeAccuracy(Path dir) throws IOException {
        List<String> lines = new ArrayList<>(List.of("dataplane,delay_us,direction,packets,median_us,p99_us,"
                + "median_error_us,p99_error_us,baseline_median_us"));
        double[][] errors = {{31, 140}, {24, 95}, {58, 230}}; // median and p99 error per direction, µs
        String[] directions = {"forward", "backward", "round_trip"};
        for (String plane : new String[] {"socket", "xdp"}) {
            double scale = plane.equals("xdp") ? 0.3 : 1;
            for (int delay : new int[] {0, 1000, 5000}) {
                for (int d = 0; d < directions.length; d++) {
                    double injected = d == 1 ? 0 : delay;
                    double median = injected + scale * errors[d][0] + delay / 500.0;
                    double p99 = injected + scale * errors[d][1] + delay / 100.0;
                    lines.add(String.join(",", plane, String.valueOf(delay), directions[d], "1000", plain(median),
                            plain(p99), plain(median - injected), plain(p99 - injected), plain(scale * errors[d][0])));
                }
            }
        }
        Files.write(dir.resolve("accuracy.csv"), lines);
    }

    static void writeScale(Path dir) throws IOException {
        List<String> lines = new ArrayList<>(List.of("sessions,pps_per_session,duration_s,sent,expected_sent,"
                + "received,records_lost,send_error_p50_us,send_error_p99_us,send_error_max_us,rss_mb"));
        int[] sessions = {1, 10, 100, 1000};
        double[] p50 = {8, 15, 42, 310};
        double[] p99 = {55, 120, 900, 4200};
        int[] lost = {0, 0, 0, 12};
        for (int i = 0; i < sessions.length; i++) {
            long expected = sessions[i] * 10L * 30;
            lines.add(String.join(",", String.valueOf(sessions[i]), "10", "30", String.valueOf(expected - lost[i]),
                    String.valueOf(expected), String.valueOf(expected - lost[i]), String.valueOf(lost[i]),
                    plain(p50[i]), plain(p99[i]), plain(p99[i] * 3), plain(180 + sessions[i] * 0.25)));
        }
        Files.write(dir.resolve("scale.csv"), lines);
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%.4f", value).replaceAll("0+$", "");
    }
}
