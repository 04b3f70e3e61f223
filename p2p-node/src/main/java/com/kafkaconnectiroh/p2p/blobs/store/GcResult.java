package com.kafkaconnectiroh.p2p.blobs.store;

/** What a garbage collection run did: blobs (complete and partial) deleted and kept, bytes freed. */
public record GcResult(int deletedBlobs, long deletedBytes, int keptBlobs) {}
