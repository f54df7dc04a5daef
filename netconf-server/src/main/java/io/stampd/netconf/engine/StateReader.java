package io.stampd.netconf.engine;

import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.dataplane.session.StampRecord;
import io.stampd.netconf.protocol.StateProvider;
import io.stampd.store.ConfigTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.w3c.dom.Element;

/**
 * {@code /stamp-state} computed when a {@code <get>} asks for it: only the sessions its filter can
 * select are read (see {@link StateScope}), each at the moment of the request, so that reading one
 * session of ten thousand costs one session's work and nothing is rebuilt while nobody asks.
 */
final class StateReader implements StateProvider {
    private final SessionManager sessions;
    private final int stateRecords;
    private final StateClock clock;

    /** @param stateRecords latest records shown per sender session */
    StateReader(SessionManager sessions, int stateRecords, StateClock clock) {
        this.sessions = sessions;
        this.stateRecords = stateRecords;
        this.clock = clock;
    }

    @Override
    public ContainerNode read(Optional<Element> filter) {
        StateScope scope = StateScope.of(filter);
        ContainerNode root = ConfigTree.emptyRoot();
        if (!scope.any()) {
            return root;
        }
        long nowMono = clock.monotonicNanos();
        List<StateTree.SenderReading> readings = new ArrayList<>();
        for (SenderSession s : sessions.senders(scope::sender)) {
            readings.add(read(s, nowMono, scope.senderPercentiles(), scope.senderHistory()));
        }
        ContainerNode state = StateTree.build(sessions.plane(), sessions.running(), sessions.dataPlaneCounters(),
                sessions.sendTiming(), sessions.programCounters(), readings, sessions.reflectors(scope::reflector));
        return ImmutableNodes.newContainerBuilder().withNodeIdentifier(root.name()).withChild(state).build();
    }

    private StateTree.SenderReading read(SenderSession s, long nowMono, boolean percentiles, boolean history) {
        SenderStatistics stats = s.statistics();
        // Percentiles no filter selects are not computed: StateTree shows 0, which the filter drops.
        SenderStatistics.Snapshot snapshot = stats.snapshot(nowMono, percentiles);
        List<StampRecord> latest = stateRecords == 0 ? List.of() : stats.latestRecords(stateRecords);
        return new StateTree.SenderReading(s, snapshot, latest, stats.pendingRecords(), history);
    }
}
