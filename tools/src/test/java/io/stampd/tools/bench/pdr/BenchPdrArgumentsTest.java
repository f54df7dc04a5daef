package io.stampd.tools.bench.pdr;

import io.stampd.tools.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad bench-pdr arguments are refused with one line naming the option, before any namespace exists;
 * good ones give the plan and the stampd command lines they ask for.
 */
class BenchPdrArgumentsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--rounds|0|--rounds",
            "--trial|20|--trial",
            "--steps|0|--steps",
            "--overload|500|--overload",
            "--shares|0,150|--shares",
            "--roles|sender|--roles",
            "--planes|dpdk|--planes",
            "--id|bad-id!|--id"})
    void namesTheBadOption(String option, String value, String named) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("bench-pdr", "--out", dir.toString(), option, value);
        } finally {
            System.setErr(err);
        }
        String text = captured.toString(StandardCharsets.UTF_8).strip();
        assertEquals(2, code, text);
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.contains(named), text);
    }

    @Test
    void aRoleNoChosenPlaneCanPlayIsRefused() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run("bench-pdr", "--out", dir.toString(), "--roles", "collector", "--planes", "xdp-swap");
        } finally {
            System.setErr(err);
        }
        String text = captured.toString(StandardCharsets.UTF_8).strip();
        assertEquals(2, code, text);
        assertTrue(text.contains("leave nothing to measure"), text);
    }

    /** The plan bench-pdr would run with {@code args} (after --out), without running it. */
    private PdrPlan plan(String... args) {
        BenchPdrCommand command = new BenchPdrCommand();
        List<String> all = new ArrayList<>(List.of("--out", dir.toString()));
        all.addAll(List.of(args));
        new CommandLine(command).parseArgs(all.toArray(String[]::new));
        return command.plan();
    }

    private static List<String> labels(PdrPlan plan) {
        return plan.contenders().stream().map(Contender::label).toList();
    }

    @Test
    void afPacketIsAPlaneForBothRoles() {
        PdrPlan plan = plan("--planes", "af-packet");
        assertEquals(List.of("af-packet reflector", "af-packet collector"), labels(plan));
        assertEquals(PdrPlan.FULL_SHARES, plan.sharesOf(plan.contenders().getFirst()));
        assertEquals(List.of("socket reflector", "af-packet reflector", "xdp reflector"),
                labels(plan("--planes", "socket, AF-PACKET,xdp", "--roles", "reflector")));
    }

    @Test
    void theDefaultRunsMeasureAfPacketBesideSocketAndXdp() {
        for (PdrPlan plan : List.of(plan(), plan("--quick"))) {
            List<String> labels = labels(plan);
            for (String role : List.of("reflector", "collector")) {
                for (String plane : List.of("socket", "af-packet", "xdp")) {
                    assertTrue(labels.contains(plane + " " + role), labels.toString());
                }
            }
        }
    }

    @Test
    void theQuickRunSearchesAfPacketAtItsTargetsOnly() {
        PdrPlan quick = plan("--quick");
        for (Contender c : quick.contenders()) {
            List<Double> shares = quick.sharesOf(c);
            switch (c.plane()) {
                case AF_PACKET -> assertEquals(List.of(0.0, 100.0), shares, c.label());
                case SOCKET, XDP -> assertEquals(PdrPlan.QUICK_SHARES, shares, c.label());
                default -> assertEquals(1, shares.size(), c.label());
            }
        }
        // Shares asked for are searched on every plane, af-packet included.
        PdrPlan asked = plan("--quick", "--planes", "af-packet", "--shares", "1,100");
        assertEquals(List.of(1.0, 100.0), asked.sharesOf(asked.contenders().getFirst()));
        PdrPlan full = plan();
        assertTrue(full.endsOnly().isEmpty(), full.endsOnly().toString());
    }

    @Test
    void stampdRunsOnTheAfPacketPlaneOnTheRoutersIngressInterface() {
        RouterTopology topo = RouterTopology.described(Map.of("ROUTER_IN_DEV", "rtr0", "ROUTER_ADDR", "fd00:b1::2",
                "GEN_ADDR", "fd00:b1::1"));
        for (StampRole role : List.of(StampRole.REFLECTOR, StampRole.COLLECTOR)) {
            String args = String.join(" ", role.stampdArguments(topo, RouterPlane.AF_PACKET));
            assertTrue(args.startsWith(role == StampRole.REFLECTOR ? "reflect " : "probe "), args);
            assertTrue(args.endsWith(" --data-plane af-packet --dev rtr0"), args);
            assertFalse(args.contains("--xdp-mode"), args);
            String socket = String.join(" ", role.stampdArguments(topo, RouterPlane.SOCKET));
            assertFalse(socket.contains("--data-plane"), socket);
        }
        assertEquals(RouterPlane.AF_PACKET, RouterPlane.parse(" af-packet "));
        assertFalse(RouterPlane.AF_PACKET.yardstick());
        assertFalse(RouterPlane.AF_PACKET.attachesXdp(), "no XDP program to time");
        assertTrue(RouterPlane.XDP.attachesXdp());
    }
}
