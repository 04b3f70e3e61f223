package com.kafkaconnectiroh.connect.sink;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blobs the sink serves, with their retention (docs/connectors.md, "Blob retention"): each value added is
 * tagged {@value #TAG_PREFIX}{@code <hash>} in the node's store, so peers can fetch it, verified, from this node;
 * a blob stays tagged for {@code blob.retention.ms} after the last record that referenced it was broadcast, and
 * while the task's blobs exceed {@code blob.store.max.bytes} the oldest are released early. Released blobs are
 * freed by the store's garbage collection. Tags live in the store, so blobs survive a restart; their retention then
 * counts again from the restart (never shorter than promised).
 */
final class SinkBlobs {
    private static final Logger LOG = LoggerFactory.getLogger(SinkBlobs.class);
    static final String TAG_PREFIX = "kafka-connect-iroh/sink/";

    private final Blobs blobs;
    private final Duration retention;
    private final long maxBytes;
    private final Supplier<EndpointAddr> self;
    private final Map<Hash, Entry> kept = new HashMap<>();
    private long keptBytes;
    final LongAdder added = new LongAdder();
    final LongAdder addedBytes = new LongAdder();
    final LongAdder evicted = new LongAdder();

    private static final class Entry {
        final long size;
        long expiresAtMillis;

        Entry(long size, long expiresAtMillis) {
            this.size = size;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    SinkBlobs(Blobs blobs, Duration retention, long maxBytes, Supplier<EndpointAddr> self) throws IOException {
        this.blobs = blobs;
        this.retention = retention;
        this.maxBytes = maxBytes;
        this.self = self;
        long expiry = System.currentTimeMillis() + retention.toMillis();
        for (Map.Entry<String, HashAndFormat> t : blobs.tags().entrySet()) {
            if (t.getKey().startsWith(TAG_PREFIX)) {
                Hash h = t.getValue().hash();
                long size = blobs.status(h) instanceof com.kafkaconnectiroh.p2p.blobs.store.BlobStatus.Complete c
                        ? c.size() : 0;
                kept.put(h, new Entry(size, expiry));
                keptBytes += size;
            }
        }
        if (!kept.isEmpty()) {
            LOG.info("serving {} blob(s) ({} bytes) kept from an earlier run", kept.size(), keptBytes);
        }
    }

    /** Adds {@code content} (or renews it if present) and returns the reference a message carries. */
    synchronized BlobRef add(byte[] content) throws IOException {
        long now = System.currentTimeMillis();
        Hash h = Hash.of(content);
        Entry e = kept.get(h);
        if (e == null) {
            Blobs.AddOutcome out = blobs.add(content, TagOption.named(TAG_PREFIX + h.toHex()));
            e = new Entry(content.length, 0);
            kept.put(out.hash(), e);
            keptBytes += content.length;
            added.increment();
            addedBytes.add(content.length);
        }
        e.expiresAtMillis = now + retention.toMillis();
        return new BlobRef(HashAndFormat.raw(h), content.length, List.of(self.get()));
    }

    /** Releases what expired, and the oldest beyond the byte bound; then collects garbage. */
    void sweep() {
        List<Hash> release = new ArrayList<>();
        synchronized (this) {
            long now = System.currentTimeMillis();
            kept.forEach((h, e) -> {
                if (e.expiresAtMillis <= now) {
                    release.add(h);
                }
            });
            long bytes = keptBytes;
            for (Hash h : release) {
                bytes -= kept.get(h).size;
            }
            if (bytes > maxBytes) {
                List<Map.Entry<Hash, Entry>> byAge = new ArrayList<>(kept.entrySet());
                byAge.sort(Comparator.comparingLong(en -> en.getValue().expiresAtMillis));
                for (Map.Entry<Hash, Entry> en : byAge) {
                    if (bytes <= maxBytes) {
                        break;
                    }
                    if (!release.contains(en.getKey())) {
                        release.add(en.getKey());
                        bytes -= en.getValue().size;
                        evicted.increment();
                    }
                }
            }
            for (Hash h : release) {
                keptBytes -= kept.remove(h).size;
            }
        }
        if (release.isEmpty()) {
            return;
        }
        try {
            for (Hash h : release) {
                blobs.deleteTag(TAG_PREFIX + h.toHex());
            }
            var gc = blobs.gc();
            LOG.info("released {} blob(s) past retention or over blob.store.max.bytes; freed {} bytes", release.size(),
                    gc.deletedBytes());
        } catch (IOException e) {
            LOG.warn("releasing blobs failed (retried at the next sweep)", e);
        }
    }

    synchronized long keptBytes() {
        return keptBytes;
    }

    synchronized int keptCount() {
        return kept.size();
    }
}
