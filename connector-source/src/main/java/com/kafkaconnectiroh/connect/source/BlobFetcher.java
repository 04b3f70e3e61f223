package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.connect.common.Backoff;
import com.kafkaconnectiroh.connect.common.MdcThreads;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.blobs.BlobTooLargeException;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.DownloadException;
import com.kafkaconnectiroh.p2p.blobs.DownloadListener;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.ProviderFailure;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches referenced blobs peer to peer into memory for record values: the providers the reference names (the
 * announcing peer first), then the neighbor that delivered the message, then the configured peers; every byte
 * verified against the hash as it arrives (the node's downloader). A round that fails with every provider is
 * retried after a jittered backoff until the fetch timeout, so a provider that restarts is waited for. The final
 * error names the last round's failures and, per provider, how it failed in every round.
 *
 * <p>Blobs land in the node's store under a tag while they are read, then the tag is dropped: the value lives in
 * the record from then on, and the store's garbage collection reclaims the disk.
 */
final class BlobFetcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlobFetcher.class);
    static final String TAG_PREFIX = "kafka-connect-iroh/source-fetch/";

    private final Blobs blobs;
    private final ExecutorService pool;
    private final Duration timeout;
    private final Backoff backoff;
    private final List<EndpointAddr> extraProviders;
    private volatile boolean closed;
    private static final long GC_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private final java.util.concurrent.atomic.AtomicLong lastGc = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

    BlobFetcher(Blobs blobs, int concurrency, Duration timeout, Backoff backoff, List<EndpointAddr> extraProviders,
                MdcThreads threads) {
        this.blobs = blobs;
        this.pool = Executors.newFixedThreadPool(concurrency, threads);
        this.timeout = timeout;
        this.backoff = backoff;
        this.extraProviders = List.copyOf(extraProviders);
    }

    /**
     * Fetches {@code ref} (a raw blob of at most {@code maxBytes}) and completes with its content; fails with the
     * reason once every round up to the timeout failed, or at once for a blob larger than {@code maxBytes}.
     */
    CompletableFuture<byte[]> fetch(BlobRef ref, EndpointId deliveredFrom, long maxBytes) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    f.complete(fetchNow(ref, deliveredFrom, maxBytes));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new IOException("the task is stopping"));
        }
        return f;
    }

    private byte[] fetchNow(BlobRef ref, EndpointId deliveredFrom, long maxBytes) throws IOException, InterruptedException {
        HashAndFormat content = ref.content();
        List<EndpointAddr> providers = providers(ref, deliveredFrom);
        String tag = TAG_PREFIX + content.hash().toHex();
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        FailureTally tally = new FailureTally();
        for (int attempt = 0; ; attempt++) {
            if (closed) {
                throw new IOException("the task is stopping");
            }
            try {
                blobs.downloader().download(content, providers, TagOption.named(tag), DownloadListener.NONE, maxBytes);
                try {
                    return blobs.read(content.hash());
                } finally {
                    blobs.deleteTag(tag);
                    collectGarbageNowAndThen();
                }
            } catch (BlobTooLargeException e) {
                throw e;
            } catch (IOException e) {
                last = e;
                if (e instanceof DownloadException d) {
                    tally.add(d.providerFailures());
                }
            }
            Duration wait = backoff.delay(attempt);
            if (System.nanoTime() + wait.toNanos() > deadline) {
                throw new IOException("could not fetch blob " + content.hash() + " within " + timeout.toSeconds()
                        + " s (" + (attempt + 1) + " round(s)" + tally.summary() + "): " + last.getMessage(), last);
            }
            LOG.debug("fetching blob {} failed ({}); retrying in {} ms", content.hash().fmtShort(), last.getMessage(),
                    wait.toMillis());
            Thread.sleep(wait.toMillis());
        }
    }

    /** How each provider failed, round after round: which kinds, how often (each in the order first seen). */
    static final class FailureTally {
        private final Map<EndpointId, Map<ProviderFailure.Kind, Integer>> byProvider = new LinkedHashMap<>();

        void add(List<ProviderFailure> failures) {
            for (ProviderFailure f : failures) {
                byProvider.computeIfAbsent(f.provider(), p -> new LinkedHashMap<>())
                        .merge(f.kind(), 1, Integer::sum);
            }
        }

        /** {@code "; by provider: 3f2a1b0c9d UNREACHABLE x3, 9c8d7e6f5a NOT_FOUND x2"}, or "" if none failed. */
        String summary() {
            if (byProvider.isEmpty()) {
                return "";
            }
            StringBuilder b = new StringBuilder("; by provider:");
            String sep = " ";
            for (Map.Entry<EndpointId, Map<ProviderFailure.Kind, Integer>> p : byProvider.entrySet()) {
                b.append(sep).append(p.getKey().fmtShort());
                for (Map.Entry<ProviderFailure.Kind, Integer> k : p.getValue().entrySet()) {
                    b.append(' ').append(k.getKey()).append(" x").append(k.getValue());
                }
                sep = ", ";
            }
            return b.toString();
        }
    }

    /**
     * Fetched blobs are untagged once in a record; the store's garbage collection frees their disk, at most once a
     * minute (a pass walks the whole store).
     */
    private void collectGarbageNowAndThen() {
        long now = System.nanoTime();
        long last = lastGc.get();
        if (now - last < GC_EVERY_NANOS || !lastGc.compareAndSet(last, now)) {
            return;
        }
        try {
            blobs.gc();
        } catch (IOException | RuntimeException e) {
            LOG.warn("collecting fetched blobs failed (tried again later)", e);
        }
    }

    /** The reference's providers in order, then the delivering neighbor, then our peers; each id once. */
    private List<EndpointAddr> providers(BlobRef ref, EndpointId deliveredFrom) {
        Map<EndpointId, EndpointAddr> out = new LinkedHashMap<>();
        for (EndpointAddr p : ref.providers()) {
            out.putIfAbsent(p.id(), p);
        }
        out.putIfAbsent(deliveredFrom, EndpointAddr.of(deliveredFrom));
        for (EndpointAddr p : extraProviders) {
            out.putIfAbsent(p.id(), p);
        }
        out.remove(blobs.endpoint().id());
        return new ArrayList<>(out.values());
    }

    @Override
    public void close() {
        closed = true;
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("blob fetches did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
