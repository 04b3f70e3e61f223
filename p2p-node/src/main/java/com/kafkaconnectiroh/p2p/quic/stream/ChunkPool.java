package com.kafkaconnectiroh.p2p.quic.stream;

import java.util.ArrayDeque;

/**
 * Recycles {@link ChunkedBuffer} chunks within a connection, so steady streaming reuses warm memory instead of
 * allocating (and page-faulting) fresh arrays. Holds at most {@code capacity} idle chunks.
 */
public final class ChunkPool {
    /** A pool that keeps nothing. */
    public static final ChunkPool NONE = new ChunkPool(0);

    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private final int capacity;

    public ChunkPool(int capacity) {
        this.capacity = capacity;
    }

    byte[] take() {
        byte[] c = free.poll();
        return c != null ? c : new byte[ChunkedBuffer.CHUNK];
    }

    void give(byte[] c) {
        if (free.size() < capacity) {
            free.push(c);
        }
    }

    public int idle() {
        return free.size();
    }
}
