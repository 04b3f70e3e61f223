package com.kafkaconnectiroh.p2p.blobs;

import java.time.Duration;

/**
 * A finished download: {@code totalBytes} of content in {@code blobs} blobs (root and children), of which
 * {@code receivedBytes} of payload came over the network this time (the rest was already stored);
 * {@code wireBytes} counts everything read from the providers (sizes and BAO parents too); {@code tag} is the
 * tag that now keeps it (null if none was asked for).
 */
public record DownloadResult(HashAndFormat content, long totalBytes, int blobs, long receivedBytes, long wireBytes,
                             Duration elapsed, String tag) {}
