package io.stampd.dataplane.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct traffic_gen_stats summed over CPUs: the generator's totals since it was loaded.
 * {@code resyncs}: paced frames so late (a stalled CPU) that the schedule restarted from them.
 */
public record GeneratorCounters(long built, long data, long stamp, long errors, long resyncs) {

    static GeneratorCounters sum(byte[][] perCpu) {
        long built = 0;
        long data = 0;
        long stamp = 0;
        long errors = 0;
        long resyncs = 0;
        for (byte[] value : perCpu) {
            ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
            built += b.getLong(0);
            data += b.getLong(8);
            stamp += b.getLong(16);
            errors += b.getLong(24);
            resyncs += b.getLong(32);
        }
        return new GeneratorCounters(built, data, stamp, errors, resyncs);
    }

    GeneratorCounters minus(GeneratorCounters earlier) {
        return new GeneratorCounters(built - earlier.built, data - earlier.data, stamp - earlier.stamp,
                errors - earlier.errors, resyncs - earlier.resyncs);
    }
}
