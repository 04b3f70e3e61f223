package com.kafkaconnectiroh.p2p.docs.store;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * MVStore keys and values that are byte strings, ordered unsigned-lexicographically (the order iroh-docs' redb
 * tables and the reconciliation use). Stored as a varint length and the bytes.
 */
final class ByteKeyType extends BasicDataType<byte[]> {
    static final ByteKeyType INSTANCE = new ByteKeyType();

    private ByteKeyType() {
    }

    @Override
    public int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    @Override
    public int getMemory(byte[] obj) {
        return 24 + obj.length;
    }

    @Override
    public void write(WriteBuffer buff, byte[] obj) {
        buff.putVarInt(obj.length).put(obj);
    }

    @Override
    public byte[] read(ByteBuffer buff) {
        byte[] b = new byte[DataUtils.readVarInt(buff)];
        buff.get(b);
        return b;
    }

    @Override
    public byte[][] createStorage(int size) {
        return new byte[size][];
    }
}
