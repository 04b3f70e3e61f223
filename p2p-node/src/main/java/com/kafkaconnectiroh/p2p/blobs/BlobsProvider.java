package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEncodeException;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEncoder;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.bao.RangeSpec;
import com.kafkaconnectiroh.p2p.blobs.bao.RangeSpecSeq;
import com.kafkaconnectiroh.p2p.blobs.store.BlobReader;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.CorruptBlobException;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import com.kafkaconnectiroh.p2p.endpoint.AsyncProtocolHandler;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.SendStream;
import com.kafkaconnectiroh.p2p.endpoint.StreamTooLongException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves GET requests of the iroh-blobs protocol ({@link BlobsProtocol#ALPN}) from a {@link BlobStore}, as iroh
 * 0.35's provider does ({@code src/provider.rs::{handle_connection, handle_get, transfer_hash_seq}}): each
 * client-opened bidirectional stream carries one request; the answer is, for each requested index with
 * non-empty ranges in order, the blob's size (u64 LE) and the BAO encoding of those ranges, then FIN.
 *
 * <ul>
 *   <li>Index 0 is the requested blob; index i is child i−1 when that blob is a hash sequence.</li>
 *   <li>An unknown (or incomplete) root: FIN with no bytes. A missing child: FIN after what came before.</li>
 *   <li>Every parent and leaf is checked against the hash before it is sent ({@link BaoEncoder}): damaged
 *       storage (data that does not hash, or ends early) resets the stream with {@link BlobsProtocol#ERR_INTERNAL},
 *       it never sends bad data, and the store stops serving that blob as complete
 *       ({@link CorruptBlobException}).</li>
 *   <li>Requests are read up to {@link BlobsProtocol#MAX_REQUEST_SIZE} within {@link Options#requestTimeout}; a
 *       longer one gets STOP_SENDING and RESET with {@link BlobsProtocol#ERR_LIMIT}, one that does not decode a
 *       RESET with {@link BlobsProtocol#ERR_MALFORMED}.</li>
 *   <li>At most {@link Options#maxConcurrentRequests} requests are answered at once; more are reset with
 *       {@link BlobsProtocol#ERR_LIMIT}.</li>
 * </ul>
 *
 * Register it on a {@link com.kafkaconnectiroh.p2p.endpoint.Router} under {@link BlobsProtocol#ALPN}.
 */
public final class BlobsProvider implements AsyncProtocolHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BlobsProvider.class);
    private static final int SEND_BUFFER = 256 * 1024;

    /**
     * Provider limits. {@code maxBytesPerSecond} caps each response's rate (0: no cap), for sharing an uplink
     * politely (and for tests that need a slow transfer).
     */
    public record Options(int maxConcurrentRequests, Duration requestTimeout, long maxBytesPerSecond) {
        public Options {
            if (maxConcurrentRequests < 1) {
                throw new IllegalArgumentException("maxConcurrentRequests must be at least 1");
            }
            Objects.requireNonNull(requestTimeout, "requestTimeout");
        }

        public static Options defaults() {
            return new Options(64, Duration.ofSeconds(30), 0);
        }

        public Options withMaxBytesPerSecond(long rate) {
            return new Options(maxConcurrentRequests, requestTimeout, rate);
        }
    }

    /** Counters since start. */
    public record Stats(long requests, long notFound, long rejected, long aborted, long bytesSent) {}

    private final BlobStore store;
    private final ProviderListener listener;
    private final Options options;
    private final ThreadPoolExecutor workers;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong notFound = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();

    public BlobsProvider(BlobStore store) {
        this(store, ProviderListener.NONE, Options.defaults());
    }

    public BlobsProvider(BlobStore store, ProviderListener listener, Options options) {
        this.store = Objects.requireNonNull(store, "store");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.options = Objects.requireNonNull(options, "options");
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, options.maxConcurrentRequests(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "blobs-provider-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    public Stats stats() {
        return new Stats(requests.get(), notFound.get(), rejected.get(), aborted.get(), bytesSent.get());
    }

    /**
     * Accepts request streams until the connection ends, holding no thread meanwhile. A request is read on the
     * endpoint's loop and gets a worker only once it is complete: a peer that opens streams and never finishes its
     * requests must not hold the workers other peers need.
     */
    @Override
    public CompletionStage<?> acceptAsync(Connection connection) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        acceptNext(connection, ended);
        return ended;
    }

    private void acceptNext(Connection connection, CompletableFuture<Void> ended) {
        connection.acceptBiAsync().whenComplete((s, lost) -> {
            if (lost != null) {
                ended.complete(null); // the connection is over
                return;
            }
            s.recv().readToEndAsync(BlobsProtocol.MAX_REQUEST_SIZE, BlobsProtocol.ERR_LIMIT)
                    .orTimeout(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((message, failure) -> dispatch(connection, s, message, failure));
            acceptNext(connection, ended);
        });
    }

    /** Hands a complete request to a worker, or answers a request that did not arrive whole. */
    private void dispatch(Connection conn, BiStream s, byte[] message, Throwable failure) {
        EndpointId peer = conn.remoteId();
        if (failure != null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof StreamTooLongException) {
                reject(peer, s, BlobsProtocol.ERR_LIMIT, "request of more than " + BlobsProtocol.MAX_REQUEST_SIZE
                        + " bytes");
            } else if (cause instanceof TimeoutException) {
                s.recv().stop(BlobsProtocol.ERR_LIMIT);
                reject(peer, s, BlobsProtocol.ERR_LIMIT, "no complete request within " + options.requestTimeout());
            } else {
                LOG.debug("request stream from {} failed: {}", peer.fmtShort(), cause.toString());
            }
            return;
        }
        try {
            workers.execute(() -> serve(peer, s, message));
        } catch (RejectedExecutionException e) {
            reject(peer, s, BlobsProtocol.ERR_LIMIT, "busy: " + options.maxConcurrentRequests() + " requests in progress");
        }
    }

    @Override
    public void shutdown() {
        workers.shutdownNow();
    }

    private void serve(EndpointId peer, BiStream s, byte[] message) {
        GetRequest request;
        Map<RangeSpec, ChunkRanges> specs;
        try {
            request = GetRequest.decode(message);
            specs = chunkRanges(request.ranges());
        } catch (PostcardException | IllegalArgumentException e) {
            reject(peer, s, BlobsProtocol.ERR_MALFORMED, "malformed request: " + e.getMessage());
            return;
        }
        requests.incrementAndGet();
        listener.requestReceived(peer, request);
        Transfer t = new Transfer(s.send(), request, specs);
        try {
            boolean found = t.run();
            s.send().finish();
            if (!found) {
                notFound.incrementAndGet();
            }
            listener.transferCompleted(peer, request, found, t.sent);
        } catch (CorruptBlobException e) {
            LOG.error("blob store data for {} fails verification; not sending it: {}", request.hash(), e.getMessage());
            s.send().reset(BlobsProtocol.ERR_INTERNAL);
            abort(peer, request, t, e);
        } catch (InterruptedIOException e) {
            s.send().reset(BlobsProtocol.ERR_INTERNAL);
            abort(peer, request, t, e);
        } catch (IOException | RuntimeException e) {
            // Mostly the peer going away (STOP_SENDING, connection lost); resetting is harmless then.
            s.send().reset(BlobsProtocol.ERR_INTERNAL);
            abort(peer, request, t, e);
        }
    }

    private void abort(EndpointId peer, GetRequest request, Transfer t, Exception e) {
        aborted.incrementAndGet();
        LOG.debug("transfer of {} to {} aborted after {} bytes: {}", request.hash().fmtShort(), peer.fmtShort(),
                t.sent, e.toString());
        listener.transferAborted(peer, request, t.sent, e);
    }

    private void reject(EndpointId peer, BiStream s, long code, String reason) {
        rejected.incrementAndGet();
        LOG.debug("rejecting a request from {}: {}", peer.fmtShort(), reason);
        // Told before the peer can see the reset, so whoever watches both never sees them out of order.
        try {
            listener.requestRejected(peer, code, reason);
        } finally {
            s.send().reset(code);
        }
    }

    /** Every spec's chunk ranges, decoded before anything is sent so a bad spec never cuts a response short. */
    private static Map<RangeSpec, ChunkRanges> chunkRanges(RangeSpecSeq seq) throws PostcardException {
        Map<RangeSpec, ChunkRanges> out = new HashMap<>();
        out.put(RangeSpec.EMPTY, ChunkRanges.empty());
        for (RangeSpecSeq.Entry e : seq.entries()) {
            if (!out.containsKey(e.spec())) {
                out.put(e.spec(), e.spec().toChunkRanges());
            }
        }
        return out;
    }

    /** One response being written. */
    private final class Transfer {
        final SendStream out;
        final GetRequest request;
        final Map<RangeSpec, ChunkRanges> specs;
        final ByteBuffer buf = ByteBuffer.allocate(SEND_BUFFER);
        long sent;
        final long started = System.nanoTime();

        Transfer(SendStream out, GetRequest request, Map<RangeSpec, ChunkRanges> specs) {
            this.out = out;
            this.request = request;
            this.specs = specs;
        }

        /** Writes the answer; false if the root or a requested child was missing (the answer then ends there). */
        boolean run() throws IOException {
            RangeSpecSeq seq = request.ranges();
            Optional<BlobReader> rootReader = store.openReader(request.hash());
            if (rootReader.isEmpty()) {
                return false;
            }
            try (BlobReader root = rootReader.get()) {
                ChunkRanges rootRanges = specs.get(seq.get(0));
                if (!rootRanges.isEmpty()) {
                    send(root, rootRanges);
                }
                RangeSpecSeq.Entry single = seq.asSingle();
                if (single != null && single.count() == 0) {
                    return true; // just the root: no need to read it as a hash sequence (iroh's just_root)
                }
                if (root.size() % Hash.LENGTH != 0) {
                    // Children of something that is no hash sequence: none of them exists (0.35 ends the same way).
                    return !anyChildWanted(seq, 1);
                }
                long children = root.size() / Hash.LENGTH;
                byte[] h = new byte[Hash.LENGTH];
                // Walk the runs of the sequence rather than every index: work stays proportional to the request
                // plus what is sent, however long the hash sequence.
                java.util.List<RangeSpecSeq.Entry> es = seq.entries();
                long start = 0;
                for (int e = 0; e < es.size(); e++) {
                    start = saturatingAdd(start, es.get(e).count());
                    long end = e == es.size() - 1 ? Long.MAX_VALUE : saturatingAdd(start, es.get(e + 1).count());
                    ChunkRanges r = specs.get(es.get(e).spec());
                    if (r.isEmpty()) {
                        continue;
                    }
                    for (long index = Math.max(start, 1); index < end && index <= children; index++) {
                        root.readFully((index - 1) * Hash.LENGTH, h, 0, Hash.LENGTH);
                        Optional<BlobReader> child = store.openReader(Hash.fromBytes(h));
                        if (child.isEmpty()) {
                            return false;
                        }
                        try (BlobReader c = child.get()) {
                            send(c, r);
                        }
                    }
                }
                return true;
            }
        }

        /** Whether any index from {@code from} on has a non-empty spec. */
        private boolean anyChildWanted(RangeSpecSeq seq, long from) {
            java.util.List<RangeSpecSeq.Entry> es = seq.entries();
            long start = 0;
            for (int i = 0; i < es.size(); i++) {
                start = saturatingAdd(start, es.get(i).count());
                long end = i == es.size() - 1 ? Long.MAX_VALUE : saturatingAdd(start, es.get(i + 1).count());
                if (!es.get(i).spec().isEmpty() && end > from) {
                    return true;
                }
            }
            return false;
        }

        /** Run lengths are u64 on the wire; positions past 2^63 are as good as infinite here. */
        private static long saturatingAdd(long a, long count) {
            long r = a + count;
            return count < 0 || r < a ? Long.MAX_VALUE : r;
        }

        private void send(BlobReader blob, ChunkRanges ranges) throws IOException {
            try {
                BaoEncoder enc = blob.encoder(ranges);
                boolean done = false;
                while (!done) {
                    buf.clear();
                    done = enc.writeTo(buf);
                    buf.flip();
                    int n = buf.remaining();
                    out.writeAll(buf);
                    sent += n;
                    bytesSent.addAndGet(n);
                    Blake3.bulkHashed(n);
                    pace();
                }
            } catch (BaoEncodeException e) {
                // The store's copy is damaged (rot, truncation, a file added in place changed): it stops serving it.
                throw blob.damaged(e, ranges);
            }
        }

        /** Sleeps as long as the response is ahead of the rate cap. */
        private void pace() throws InterruptedIOException {
            long rate = options.maxBytesPerSecond();
            if (rate <= 0) {
                return;
            }
            long due = started + (long) (sent * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("provider shutting down");
                }
            }
        }
    }
}
