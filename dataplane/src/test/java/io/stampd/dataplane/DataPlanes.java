package io.stampd.dataplane;

import io.stampd.dataplane.socket.SocketDataPlane;

import java.util.function.Supplier;
import java.util.stream.Stream;

/** Every data plane the behavioural suite runs against (later backends add themselves here). */
final class DataPlanes {
    private DataPlanes() {
    }

    record Factory(String name, Supplier<DataPlane> create) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Factory> all() {
        return Stream.of(new Factory("socket", SocketDataPlane::new));
    }
}
