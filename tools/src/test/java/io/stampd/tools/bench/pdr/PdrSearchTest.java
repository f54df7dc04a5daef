package io.stampd.tools.bench.pdr;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PDR search against simulated routers whose delivered rate is a known function of the offered rate. */
class PdrSearchTest {
    /** A router that forwards everything up to its capacity and the capacity beyond it. */
    private static LongUnaryOperator capped(long capacity) {
        return rate -> Math.min(rate, capacity);
    }

    @Test
    void findsTheCapacityOfARouterThatSaturates() {
        SimulatedLoad load = new SimulatedLoad(capped(123_456));
        PdrSearch.Result r = search(load, 6);
        assertTrue(r.pdrPps() <= 123_456 && r.pdrPps() >= 123_456 * 0.97, "PDR " + r.pdrPps());
        assertEquals(r.trials(), load.offered.size());
        assertTrue(r.atPdr().lossRatio() <= PdrSearch.MAX_LOSS);
    }

    @Test
    void findsThePdrOfARouterThatCollapsesUnderOverload() {
        // Livelock: beyond 40 kpps almost nothing gets through, so the overload trial says little.
        SimulatedLoad load = new SimulatedLoad(rate -> rate <= 40_000 ? rate : 2_000);
        PdrSearch.Result r = search(load, 10);
        assertTrue(r.pdrPps() <= 40_000 && r.pdrPps() >= 40_000 * 0.95, "PDR " + r.pdrPps());
        assertEquals(2_000, r.overload().deliveredPps(), 1);
    }

    @Test
    void reportsZeroWhenEvenTheFloorLosesAndTheCeilingWhenNothingIsLost() {
        PdrSearch.Result none = search(new SimulatedLoad(rate -> rate / 2), 4);
        assertEquals(0, none.pdrPps());
        PdrSearch.Result all = search(new SimulatedLoad(rate -> rate), 4);
        assertEquals(1_500_000, all.pdrPps());
        assertEquals(1, all.trials());
    }

    @Test
    void aSingleHiccupDoesNotDecideAStep() {
        // The second trial of the run loses 10 % once (a scheduling hiccup); the repeat passes.
        SimulatedLoad load = new SimulatedLoad(capped(200_000));
        load.hiccupAtTrial = 2;
        PdrSearch.Result r = search(load, 6);
        assertTrue(r.pdrPps() >= 200_000 * 0.97, "PDR " + r.pdrPps());
    }

    @Test
    void rejectsBoundsThatCannotBeSearched() {
        TrialRunner runner = new TrialRunner(new SimulatedLoad(capped(1)), 0, 0.1);
        assertThrows(IllegalArgumentException.class, () -> new PdrSearch(runner, 0, 10, 4, s -> { }));
        assertThrows(IllegalArgumentException.class, () -> new PdrSearch(runner, 10, 10, 4, s -> { }));
        assertThrows(IllegalArgumentException.class, () -> new PdrSearch(runner, 1, 10, 0, s -> { }));
    }

    private static PdrSearch.Result search(SimulatedLoad load, int steps) {
        TrialRunner runner = new TrialRunner(load, 0, 0.1);
        return new PdrSearch(runner, 1_000, 1_500_000, steps, s -> { }).search();
    }

    /** Frames "arrive" at the sink at the delivered rate of the function, over exactly 0.1 s per trial. */
    private static final class SimulatedLoad implements LoadPort {
        final LongUnaryOperator delivered;
        final List<Long> offered = new ArrayList<>();
        long sink;
        int hiccupAtTrial = -1;

        SimulatedLoad(LongUnaryOperator delivered) {
            this.delivered = delivered;
        }

        @Override
        public String generator() {
            return "simulated";
        }

        @Override
        public void configure(StampRole role, double stampSharePct) {
        }

        @Override
        public Sent send(long frames, long ratePps) {
            offered.add(ratePps);
            long got = Math.round(frames * (double) delivered.applyAsLong(ratePps) / ratePps);
            if (offered.size() == hiccupAtTrial) {
                got = got * 9 / 10;
            }
            sink += got;
            return new Sent(frames, 0, Math.round(frames * 1e9 / ratePps), 0);
        }

        @Override
        public long sinkPackets() {
            return sink;
        }

        @Override
        public void close() {
        }
    }
}
