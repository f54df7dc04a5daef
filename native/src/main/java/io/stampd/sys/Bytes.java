package io.stampd.sys;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Native-order long views of byte arrays, to compare addresses with segment contents cheaply. */
public final class Bytes {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private Bytes() {
    }

    public static long longAt(byte[] b, int offset) {
        return (long) LONG.get(b, offset);
    }
}
