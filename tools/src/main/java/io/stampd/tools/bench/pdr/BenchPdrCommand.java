package io.stampd.tools.bench.pdr;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code stampd bench-pdr}: experiments (a)-(c) of tools/bench -- the SRv6 router's PDR@0.5% with
 * stampd on it. Builds the generator -- router -- sink namespaces, runs the searches, removes the
 * namespaces (also on Ctrl-C). Run it pinned to the generator's CPU; tools/bench does.
 */
@Command(name = "bench-pdr", mixinStandardHelpOptions = true,
        description = "Router PDR@0.5%% with stampd reflecting/collecting, vs the baseline (tools/bench experiments a-c).")
public final class BenchPdrCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for pdr.csv and pdr.md.")
    Path out;

    @Option(names = "--quick", description = "Smoke run: 1 round, 3 shares (af-packet: the 0 and 100 %% ones), short trials.")
    boolean quick;

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds (default: 3; quick: 1).")
    Integer rounds;

    @Option(names = "--trial", paramLabel = "SECONDS", description = "Seconds per trial (default: 0.5; quick: 0.3).")
    Double trialSeconds;

    @Option(names = "--steps", paramLabel = "N", description = "Bisection steps per search (default: 5; quick: 4).")
    Integer steps;

    @Option(names = "--shares", split = ",", paramLabel = "PCT,..",
            description = "STAMP shares in percent (default: 0,0.01,0.1,1,10,20,50,100; quick: 0,1,100).")
    List<Double> shares;

    @Option(names = "--roles", split = ",", paramLabel = "ROLE,..",
            description = "reflector and/or collector (default: both).")
    List<String> roles;

    @Option(names = "--planes", split = ",", paramLabel = "PLANE,..",
            description = "What handles STAMP on the router: socket, af-packet, xdp (stampd's data planes), xdp-swap (the swap-and-XDP_TX"
                    + " yardstick reflector), xdp-drop (the XDP_DROP yardstick collector), xdp-pass (an XDP program that passes"
                    + " everything, at 0 %% STAMP) (default: all).")
    List<String> planes;

    @Option(names = "--overload", paramLabel = "PPS", description = "Overload rate, also the search's ceiling (default: 3000000).")
    Long overloadPps;

    @Option(names = "--router-cpu", paramLabel = "N", defaultValue = "1",
            description = "CPU of the router's NAPI thread and of stampd (default: ${DEFAULT-VALUE}).")
    int routerCpu;

    @Option(names = "--id", paramLabel = "ID", description = "Topology id: namespaces bpr-ID-* (default: random).")
    String id;

    @Override
    public Integer call() throws Exception {
        PdrPlan plan = plan();
        String topoId = id != null ? id : Long.toString(ProcessHandle.current().pid(), 36);
        if (!topoId.matches("[A-Za-z0-9]{1,10}")) {
            throw new ParameterException(spec.commandLine(), "--id must be 1 to 10 letters or digits, got '" + topoId + "'");
        }
        Files.createDirectories(out);
        Path root = projectRoot();
        AtomicReference<AutoCloseable[]> open = new AtomicReference<>(new AutoCloseable[0]);
        Thread cleanup = new Thread(() -> closeAll(open.getAndSet(new AutoCloseable[0])));
        Runtime.getRuntime().addShutdownHook(cleanup);
        progress("building the generator -- router -- sink topology bpr-" + topoId + "-*");
        RouterTopology topo = RouterTopology.up(root, topoId, routerCpu);
        open.set(new AutoCloseable[] {topo});
        try {
            LoadPort load = BpfLoadPort.open(topo);
            open.set(new AutoCloseable[] {load, topo});
            progress("generator: " + load.generator());
            new PdrBench(root, topo, load, plan, BenchPdrCommand::progress).run(out);
            progress("wrote " + out.resolve("pdr.csv") + " and " + out.resolve("pdr.md"));
            return 0;
        } finally {
            closeAll(open.getAndSet(new AutoCloseable[0]));
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException ignored) {
                // shutting down: the hook runs anyway and finds nothing left
            }
        }
    }

    /** The plan the options ask for (package-private for the argument tests). */
    PdrPlan plan() {
        PdrPlan base = quick ? PdrPlan.quick() : PdrPlan.full();
        List<StampRole> roleList = List.of(StampRole.REFLECTOR, StampRole.COLLECTOR);
        if (roles != null) {
            roleList = new ArrayList<>();
            for (String r : roles) {
                switch (r.trim().toLowerCase(Locale.ROOT)) {
                    case "reflector" -> roleList.add(StampRole.REFLECTOR);
                    case "collector" -> roleList.add(StampRole.COLLECTOR);
                    default -> throw new ParameterException(spec.commandLine(),
                            "--roles: '" + r + "' is not one of reflector, collector");
                }
            }
        }
        List<RouterPlane> planeList = List.of(RouterPlane.values());
        if (planes != null) {
            planeList = new ArrayList<>();
            for (String p : planes) {
                try {
                    planeList.add(RouterPlane.parse(p));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--planes: " + e.getMessage());
                }
            }
        }
        List<Contender> contenders = Contender.of(roleList, planeList);
        if (contenders.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--roles " + roleList + " and --planes " + planeList
                    + " leave nothing to measure (xdp-swap only reflects, xdp-drop only collects)");
        }
        try {
            return new PdrPlan(rounds != null ? rounds : base.rounds(),
                    trialSeconds != null ? trialSeconds : base.trialSeconds(),
                    steps != null ? steps : base.steps(), base.minPps(),
                    overloadPps != null ? overloadPps : base.overloadPps(),
                    shares != null ? shares : base.sharesPct(), contenders,
                    // shares asked for are searched on every plane
                    shares != null ? Set.of() : base.endsOnly());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The checkout this jar was built in: tools/target/stampd-tools.jar -> the project root. */
    private static Path projectRoot() throws URISyntaxException {
        Path jar = Path.of(BenchPdrCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path root = jar.getParent().getParent().getParent();
        if (!Files.isExecutable(root.resolve("tools/stampd"))) {
            throw new IllegalStateException("cannot find tools/stampd next to " + jar);
        }
        return root;
    }

    private static void closeAll(AutoCloseable[] resources) {
        StampdProcess.closeAllRunning();
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("bench-pdr: cleanup: " + e.getMessage());
            }
        }
    }

    private static void progress(String line) {
        System.err.println("bench-pdr: " + line);
    }
}
