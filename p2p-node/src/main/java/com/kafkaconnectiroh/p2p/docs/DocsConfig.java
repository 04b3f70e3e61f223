package com.kafkaconnectiroh.p2p.docs;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link Docs} engine; every one has a default ({@link #DEFAULT}).
 *
 * @param maxFrameBytes       the largest {@code /iroh-sync/1} frame we read or write: 256 MiB, about a million
 *                            entries in one message (iroh allows 1 GiB; a frame is held in memory whole)
 * @param readTimeout         how long a sync session may wait for the peer's next bytes
 * @param connectTimeout      how long dialing a peer may take
 * @param downloadConcurrency how many content downloads run at once (over one connection per peer)
 * @param subscriberCapacity  events queued per {@link DocSubscription} before it lags
 */
public record DocsConfig(int maxFrameBytes, Duration readTimeout, Duration connectTimeout, int downloadConcurrency,
                         int subscriberCapacity) {
    public static final DocsConfig DEFAULT = new DocsConfig(256 << 20, Duration.ofSeconds(60), Duration.ofSeconds(15),
            32, 4096);

    public DocsConfig {
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1024, got " + maxFrameBytes);
        }
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (downloadConcurrency < 1) {
            throw new IllegalArgumentException("downloadConcurrency must be at least 1, got " + downloadConcurrency);
        }
        if (subscriberCapacity < 2) {
            throw new IllegalArgumentException("subscriberCapacity must be at least 2, got " + subscriberCapacity);
        }
    }

    public DocsConfig withMaxFrameBytes(int n) {
        return new DocsConfig(n, readTimeout, connectTimeout, downloadConcurrency, subscriberCapacity);
    }

    public DocsConfig withReadTimeout(Duration d) {
        return new DocsConfig(maxFrameBytes, d, connectTimeout, downloadConcurrency, subscriberCapacity);
    }

    public DocsConfig withDownloadConcurrency(int n) {
        return new DocsConfig(maxFrameBytes, readTimeout, connectTimeout, n, subscriberCapacity);
    }

    public DocsConfig withSubscriberCapacity(int n) {
        return new DocsConfig(maxFrameBytes, readTimeout, connectTimeout, downloadConcurrency, n);
    }
}
