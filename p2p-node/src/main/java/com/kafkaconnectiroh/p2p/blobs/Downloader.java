package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoDecoder;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStatus;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.PartialBlob;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.blobs.store.TempTag;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches blobs and hash sequences from iroh-blobs providers into a {@link BlobStore}, verifying every byte as it
 * arrives (a {@link BaoDecoder} in front of a {@link PartialBlob}), as iroh 0.35's {@code get/db.rs} does.
 *
 * <ul>
 *   <li>Resumes: each request asks only for what the store is missing, so an interrupted download (even one cut
 *       by a crash, with the file store) continues where its verified data ends.</li>
 *   <li>Fails over: providers are tried in turn; each continues from what the previous ones delivered and
 *       verified. A provider that is unreachable, lacks the data, resets the stream or sends data that fails
 *       verification is dropped (the bad item is never stored).</li>
 *   <li>Hash sequences: the root first, then every child still missing, in one request per provider.</li>
 *   <li>Nothing is complete unless verified: completion is the store's, and it demands every chunk and a proven
 *       size.</li>
 * </ul>
 *
 * <p>Built in three parts as iroh-blobs splits {@code api/remote.rs}, {@code get.rs} and {@code api/downloader.rs}:
 * {@link LocalInfo} works out what the store lacks and the request for it, {@link GetExchange} runs one request
 * on one connection with a typed failure per step, and this class chooses providers, dials them, takes turns,
 * counts progress and collects each provider's {@link ProviderFailure} into the {@link DownloadException}.
 *
 * <p>Thread-safe. The store lets one writer at a time at a blob, so downloads through one downloader take turns:
 * those of the same content before they connect, those that share blobs (a collection and one of its children)
 * around each request for them. A later one then fetches only what is still missing (often nothing).
 */
public final class Downloader {
    private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);
    private static final long PROGRESS_STEP = 1 << 20;

    private final Endpoint endpoint;
    private final BlobStore store;
    private final LocalInfo local;
    /** Turns by content being downloaded: one download of it at a time. */
    private final Map<Hash, Turn> contentTurns = new HashMap<>();
    /** Turns by blob being requested and written: one request for it at a time. */
    private final Map<Hash, Turn> blobTurns = new HashMap<>();

    /** A turn-taking lock, with the number of downloads holding or awaiting it. */
    private static final class Turn {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    /** Turns held; closing gives them back. */
    private final class Held implements AutoCloseable {
        private final Map<Hash, Turn> map;
        private final List<Hash> hashes = new ArrayList<>();

        Held(Map<Hash, Turn> map) {
            this.map = map;
        }

        @Override
        public void close() {
            for (int i = hashes.size() - 1; i >= 0; i--) {
                release(map, hashes.get(i), true);
            }
        }
    }

    /**
     * Waits for the turns of {@code hashes} in {@code map}, taken in hash order so that two downloads never wait
     * for each other in a circle. A download holds one set at a time.
     */
    private Held take(Map<Hash, Turn> map, List<Hash> hashes) throws InterruptedIOException {
        Held held = new Held(map);
        for (Hash h : new TreeSet<>(hashes)) {
            Turn turn;
            synchronized (map) {
                turn = map.computeIfAbsent(h, k -> new Turn());
                turn.users++;
            }
            try {
                turn.lock.lockInterruptibly();
            } catch (InterruptedException e) {
                release(map, h, false);
                held.close();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for another download of " + h);
            }
            held.hashes.add(h);
        }
        return held;
    }

    private static void release(Map<Hash, Turn> map, Hash h, boolean locked) {
        synchronized (map) {
            Turn turn = map.get(h);
            if (locked) {
                turn.lock.unlock();
            }
            if (--turn.users == 0) {
                map.remove(h);
            }
        }
    }

    public Downloader(Endpoint endpoint, BlobStore store) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.store = Objects.requireNonNull(store, "store");
        this.local = new LocalInfo(store);
    }

    /** Downloads what a ticket names from the provider it names, tagging it with an auto tag. */
    public DownloadResult download(BlobTicket ticket, DownloadListener listener) throws IOException {
        return download(ticket.content(), List.of(ticket.provider()), TagOption.auto(), listener);
    }

    /**
     * Downloads {@code content} (for a hash sequence: the root and all children) from {@code providers}, in
     * order, until complete. On success {@code tag} keeps it.
     *
     * @throws DownloadException every provider failed before it was complete, or a hash sequence is malformed
     */
    public DownloadResult download(HashAndFormat content, List<EndpointAddr> providers, TagOption tag,
                                   DownloadListener listener) throws IOException {
        return run(content, null, providers, tag, listener, Long.MAX_VALUE);
    }

    /**
     * Like {@link #download(HashAndFormat, List, TagOption, DownloadListener)}, refusing any blob of the content
     * whose size is above {@code maxBlobSize}: the size a provider announces is checked before any of its data is
     * stored (verified data can never exceed it, the tree shape depends on it), so a claim check that lies about
     * its size costs at most this much disk.
     *
     * @throws BlobTooLargeException a blob of the content is larger
     */
    public DownloadResult download(HashAndFormat content, List<EndpointAddr> providers, TagOption tag,
                                   DownloadListener listener, long maxBlobSize) throws IOException {
        return run(content, null, providers, tag, listener, maxBlobSize);
    }

    /**
     * Fetches just {@code ranges} (chunks) of a raw blob; the blob stays partial unless that is all of it. No tag is
     * set: keep it with {@link BlobStore#setTag} if it should outlive the next garbage collection.
     */
    public DownloadResult downloadRanges(Hash hash, ChunkRanges ranges, List<EndpointAddr> providers,
                                         DownloadListener listener) throws IOException {
        return run(HashAndFormat.raw(hash), ranges, providers, TagOption.none(), listener, Long.MAX_VALUE);
    }

    /**
     * Downloads {@code content} over {@code connection}, a {@code /iroh-bytes/4} connection the caller opened and
     * keeps open (it is not closed here): many small downloads from one provider then share one handshake (docs
     * fetching entry content). Otherwise as {@link #download(HashAndFormat, List, TagOption, DownloadListener)}
     * with that one provider.
     */
    public DownloadResult download(Connection connection, HashAndFormat content, TagOption tag,
                                   DownloadListener listener) throws IOException {
        Objects.requireNonNull(connection, "connection");
        try (Held turn = take(contentTurns, List.of(content.hash()))) {
            return runAlone(content, null, List.of(EndpointAddr.of(connection.remoteId())), tag, listener, connection,
                    Long.MAX_VALUE);
        }
    }

    private DownloadResult run(HashAndFormat content, ChunkRanges wanted, List<EndpointAddr> providers,
                               TagOption tag, DownloadListener listener, long maxBlobSize) throws IOException {
        try (Held turn = take(contentTurns, List.of(content.hash()))) {
            return runAlone(content, wanted, providers, tag, listener, null, maxBlobSize);
        }
    }

    /** {@code open}: a connection to the (only) provider to use instead of dialing, left open; usually null. */
    private DownloadResult runAlone(HashAndFormat content, ChunkRanges wanted, List<EndpointAddr> providers,
                                    TagOption tag, DownloadListener listener, Connection open, long maxBlobSize)
            throws IOException {
        long start = System.nanoTime();
        Progress progress = new Progress(content, listener);
        List<ProviderFailure> failures = new ArrayList<>();
        try (TempTag keep = store.tempTag(content)) {
            Set<EndpointId> tried = new HashSet<>();
            for (EndpointAddr provider : providers) {
                if (local.isComplete(content, wanted) || !tried.add(provider.id())) {
                    continue;
                }
                if (provider.id().equals(endpoint.id())) {
                    failures.add(new ProviderFailure(provider.id(), ProviderFailure.Kind.SELF,
                            "that is this endpoint"));
                    continue;
                }
                try {
                    attempt(provider, content, wanted, progress, open, maxBlobSize);
                } catch (GetException f) {
                    failures.add(new ProviderFailure(provider.id(), f.kind(), f.getMessage()));
                    LOG.debug("download of {} from {} failed at {} ({}): {}", content, provider.id().fmtShort(),
                            f.step(), f.kind(), f.getMessage(), f.getCause());
                    progress.emit(DownloadProgress.Phase.PROVIDER_FAILED, provider.id(), null, -1, f.getMessage());
                }
            }
            if (!local.isComplete(content, wanted)) {
                throw new DownloadException("could not download " + content + (wanted == null ? "" : " " + wanted)
                        + " from " + providers.size() + " provider" + (providers.size() == 1 ? "" : "s"), failures);
            }
            String tagName = store.applyTag(tag, content);
            progress.refreshTotals();
            progress.emit(DownloadProgress.Phase.DONE, null, content.hash(), 0, null);
            return new DownloadResult(content, progress.total(), progress.blobCount(), progress.received,
                    progress.wire, Duration.ofNanos(System.nanoTime() - start), tagName);
        }
    }

    /** Takes what is missing from one provider, over {@code open} or a connection dialed for it. */
    private void attempt(EndpointAddr provider, HashAndFormat content, ChunkRanges wanted, Progress progress,
                         Connection open, long maxBlobSize) throws GetException, IOException {
        EndpointId id = provider.id();
        progress.emit(DownloadProgress.Phase.CONNECTING, id, null, -1, null);
        Connection conn;
        if (open != null) {
            conn = open;
        } else {
            try {
                conn = endpoint.connect(provider, BlobsProtocol.ALPN);
            } catch (IOException e) {
                // Whatever stopped the dial (no answer, a refused handshake, another key), no one is there to ask.
                throw new GetException(GetException.Step.CONNECT, ProviderFailure.Kind.UNREACHABLE,
                        "cannot connect: " + e.getMessage(), e);
            }
        }
        String closeReason = "";
        try {
            // Normally one round; another only if a size claim replaced what was there before (see PartialBlob).
            for (int round = 0; round < 3 && !local.isComplete(content, wanted); round++) {
                if (!requestMissing(conn, id, content, wanted, progress, maxBlobSize)) {
                    break;
                }
            }
        } catch (GetException f) {
            closeReason = f.getMessage();
            throw f;
        } finally {
            // We read the last bytes, so we close (iroh's convention); a failure is named for the peer's log. A
            // connection the caller lent us stays open.
            if (open == null) {
                conn.close(0, closeReason.length() > 200 ? closeReason.substring(0, 200) : closeReason);
            }
        }
    }

    /**
     * Asks {@code conn} for everything still missing: the root, then (once it is complete) the children of a hash
     * sequence, each request worked out while the turns of the blobs it writes are held. False if nothing was asked.
     */
    private boolean requestMissing(Connection conn, EndpointId id, HashAndFormat content, ChunkRanges wanted,
                                   Progress progress, long maxBlobSize) throws GetException, IOException {
        boolean asked = false;
        Hash root = content.hash();
        if (!store.status(root).isComplete()) {
            try (Held turn = take(blobTurns, List.of(root))) {
                Optional<GetPlan> plan = local.missingRoot(root, wanted);
                if (plan.isPresent()) {
                    GetExchange.run(conn, id, plan.get(), store, maxBlobSize, progress);
                    asked = true;
                }
            }
        }
        if (content.format() == BlobFormat.HASH_SEQ && store.status(root).isComplete()) {
            List<Hash> children = local.children(root);
            progress.children(children);
            // Complete children need no turn (nothing will be written); the rest are checked again once held.
            List<Hash> incomplete = new ArrayList<>();
            for (Hash child : children) {
                if (!store.status(child).isComplete()) {
                    incomplete.add(child);
                }
            }
            try (Held turns = take(blobTurns, incomplete)) {
                Optional<GetPlan> plan = local.missingChildren(root, children);
                if (plan.isPresent()) {
                    GetExchange.run(conn, id, plan.get(), store, maxBlobSize, progress);
                    asked = true;
                }
            }
        }
        return asked;
    }

    /** Counts and progress events for one download. */
    private final class Progress implements GetExchange.Listener {
        final HashAndFormat content;
        final DownloadListener listener;
        /** Sizes and present bytes of the blobs known, by index. */
        final Map<Long, long[]> blobs = new LinkedHashMap<>();
        final Map<Long, Hash> hashes = new HashMap<>();
        long received;
        long wire;
        long sinceEvent;

        Progress(HashAndFormat content, DownloadListener listener) {
            this.content = content;
            this.listener = listener;
            hashes.put(0L, content.hash());
            refresh(0L, content.hash());
        }

        private void refresh(long index, Hash hash) {
            BlobStatus st = store.status(hash);
            if (st instanceof BlobStatus.Complete c) {
                blobs.put(index, new long[] {c.size(), c.size()});
            } else if (st instanceof BlobStatus.Partial p) {
                long size = p.size();
                blobs.put(index, new long[] {size, partialBytes(p)});
            } else {
                blobs.put(index, new long[] {-1, 0});
            }
        }

        private long partialBytes(BlobStatus.Partial p) {
            long n = 0;
            for (long[] r : p.present().ranges()) {
                long s = r[0] * 1024;
                long e = r[1] == -1 ? p.size() : Math.min(p.size(), r[1] * 1024);
                n += Math.max(0, e - s);
            }
            return n;
        }

        void children(List<Hash> children) {
            Set<Hash> seen = new HashSet<>();
            for (int i = 0; i < children.size(); i++) {
                if (seen.add(children.get(i))) {
                    hashes.put(i + 1L, children.get(i));
                    refresh(i + 1L, children.get(i));
                }
            }
        }

        void refreshTotals() {
            for (Map.Entry<Long, Hash> e : hashes.entrySet()) {
                refresh(e.getKey(), e.getValue());
            }
        }

        @Override
        public void requested(EndpointId provider, GetRequest request) {
            emit(DownloadProgress.Phase.REQUESTING, provider, request.hash(), 0, request.toString());
        }

        @Override
        public void wireRead(int bytes) {
            wire += bytes;
        }

        @Override
        public void blobStarted(GetPlan.Item item, PartialBlob w) {
            hashes.put(item.index(), item.hash());
            if (w != null) {
                blobs.put(item.index(), new long[] {w.size(), w.presentBytes()});
            } else {
                blobs.putIfAbsent(item.index(), new long[] {-1, 0});
            }
        }

        @Override
        public void verified(EndpointId provider, GetPlan.Item item, long size, int bytes) {
            long[] b = blobs.get(item.index());
            b[0] = size;
            b[1] += bytes;
            if (received == 0 && LOG.isDebugEnabled()) {
                // the first verified data of this download (ColdStartBench times a fresh blob get by this line)
                LOG.debug("first verified data of {}: {} bytes from {}", content, bytes, provider.fmtShort());
            }
            received += bytes;
            Blake3.bulkHashed(bytes); // BAO leaves are too small to count by themselves
            sinceEvent += bytes;
            if (sinceEvent >= PROGRESS_STEP) {
                sinceEvent = 0;
                emit(DownloadProgress.Phase.RECEIVING, provider, item.hash(), item.index(), null);
            }
        }

        @Override
        public void blobDone(EndpointId provider, GetPlan.Item item, boolean complete) {
            refresh(item.index(), item.hash());
            sinceEvent = 0;
            emit(complete ? DownloadProgress.Phase.BLOB_DONE : DownloadProgress.Phase.RECEIVING, provider, item.hash(),
                    item.index(), null);
        }

        long total() {
            long t = 0;
            for (long[] b : blobs.values()) {
                if (b[0] < 0) {
                    return -1;
                }
                t += b[0];
            }
            return t;
        }

        long verifiedTotal() {
            long v = 0;
            for (long[] b : blobs.values()) {
                v += b[1];
            }
            return v;
        }

        int blobCount() {
            return blobs.size();
        }

        void emit(DownloadProgress.Phase phase, EndpointId provider, Hash hash, long index, String message) {
            try {
                listener.onProgress(new DownloadProgress(phase, provider, hash, index, verifiedTotal(), total(), message));
            } catch (RuntimeException e) {
                LOG.warn("download listener failed", e);
            }
        }
    }
}
