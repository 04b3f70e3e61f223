package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import java.util.List;
import java.util.Objects;

/**
 * A {@link GetRequest} for what the store lacks, with what its response will carry: the blobs, in the order the
 * provider sends them, each with the ranges asked of it. Made by {@link LocalInfo}, run by {@link GetExchange}.
 */
record GetPlan(GetRequest request, List<Item> items) {
    /** One item of the response: the blob at {@code index} of the request (0 the root, i child i−1). */
    record Item(long index, Hash hash, ChunkRanges ranges) {}

    GetPlan {
        Objects.requireNonNull(request, "request");
        items = List.copyOf(items);
    }
}
