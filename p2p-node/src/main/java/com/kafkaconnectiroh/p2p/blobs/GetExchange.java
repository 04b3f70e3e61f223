package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.blobs.GetException.Step;
import com.kafkaconnectiroh.p2p.blobs.ProviderFailure.Kind;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoDecodeException;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoDecoder;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEvent;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.PartialBlob;
import com.kafkaconnectiroh.p2p.blobs.store.SizeConflictException;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.ConnectionLostException;
import com.kafkaconnectiroh.p2p.endpoint.StreamResetException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GET on one connection (iroh-blobs {@code get.rs}): open a stream, send the request of a {@link GetPlan}, then
 * for each item read the size and the BAO encoding through a {@link BaoDecoder} into the store's
 * {@link PartialBlob}, so nothing unverified is stored. A step the provider fails throws a {@link GetException}
 * with the step and a {@link ProviderFailure.Kind}; what the store throws comes out as it is (iroh's local
 * failure: no other provider would do better), as does a blob over the size limit ({@link BlobTooLargeException}).
 *
 * <p>The connection is the caller's: it stays open, whatever happens here. The caller holds the turns of the
 * plan's blobs, so this is their only writer.
 */
final class GetExchange {
    private static final Logger LOG = LoggerFactory.getLogger(GetExchange.class);
    private static final int READ_BUFFER = 256 * 1024;

    /** What an exchange reports as it goes, on its thread; keep it quick (it runs once per leaf). */
    interface Listener {
        /** The request went out. */
        void requested(EndpointId provider, GetRequest request);

        /** {@code bytes} arrived on the stream (sizes and BAO parents included). */
        void wireRead(int bytes);

        /** An item starts, or its size claim replaced what was stored; {@code writer} null if already complete. */
        void blobStarted(GetPlan.Item item, PartialBlob writer);

        /** {@code bytes} of leaf data of {@code item} (of {@code size}) verified and stored. */
        void verified(EndpointId provider, GetPlan.Item item, long size, int bytes);

        /** The response for {@code item} ended; {@code complete} if the blob now is. */
        void blobDone(EndpointId provider, GetPlan.Item item, boolean complete);
    }

    private final BlobStore store;
    private final EndpointId provider;
    private final long maxBlobSize;
    private final Listener listener;
    /** The response read buffer, in read mode between calls. */
    private final ByteBuffer buf = ByteBuffer.allocate(READ_BUFFER).flip();
    private BiStream stream;
    private boolean fin;

    private GetExchange(BlobStore store, EndpointId provider, long maxBlobSize, Listener listener) {
        this.store = store;
        this.provider = provider;
        this.maxBlobSize = maxBlobSize;
        this.listener = listener;
    }

    /**
     * Runs {@code plan} against {@code provider} over {@code conn}, storing each item as it verifies.
     *
     * @param maxBlobSize a blob announced larger is refused before any of it is stored
     * @throws GetException the provider failed a step; what it delivered before is stored
     * @throws BlobTooLargeException an item's announced size is over {@code maxBlobSize}
     * @throws IOException the store failed, or reading failed on this side
     */
    static void run(Connection conn, EndpointId provider, GetPlan plan, BlobStore store, long maxBlobSize,
                    Listener listener) throws GetException, IOException {
        new GetExchange(store, provider, maxBlobSize, listener).run(conn, plan);
    }

    private void run(Connection conn, GetPlan plan) throws GetException, IOException {
        GetRequest request = plan.request();
        try {
            stream = conn.openBi();
        } catch (IOException e) {
            throw notSent(Step.OPEN_STREAM, e);
        }
        try {
            stream.send().writeAll(request.encode());
            stream.send().finish();
        } catch (IOException e) {
            throw notSent(Step.SEND_REQUEST, e);
        }
        listener.requested(provider, request);
        Step step = Step.READ_HEADER;
        try {
            for (GetPlan.Item item : plan.items()) {
                step = Step.READ_HEADER;
                if (!fill()) {
                    throw new GetException(step, Kind.NOT_FOUND, item.index() == 0 ? "does not have blob " + item.hash()
                            : "does not have child " + (item.index() - 1) + " (" + item.hash() + ")", null);
                }
                step = Step.READ_CONTENT;
                receiveBlob(item);
            }
            step = Step.READ_HEADER;
            if (fill()) {
                LOG.debug("provider {} sent {}+ bytes after the response to {}", provider.fmtShort(), buf.remaining(),
                        request);
            }
        } catch (StreamResetException e) {
            throw new GetException(step, Kind.RESET,
                    "reset the response stream with code " + BlobsProtocol.codeName(e.errorCode()), e);
        } catch (ConnectionLostException e) {
            throw new GetException(step, Kind.CONNECTION_LOST, "connection lost: " + e.getMessage(), e);
        } catch (SocketTimeoutException e) {
            throw new GetException(step, Kind.TIMEOUT, "stalled: " + e.getMessage(), e);
        } finally {
            stream.recv().close();
        }
    }

    private static GetException notSent(Step step, IOException e) {
        return new GetException(step, GetException.kindOf(e), "cannot send the request: " + e.getMessage(), e);
    }

    /** Makes bytes available in {@link #buf}; false once the stream has ended. */
    private boolean fill() throws IOException {
        if (buf.hasRemaining()) {
            return true;
        }
        if (fin) {
            return false;
        }
        buf.clear();
        int n = stream.recv().read(buf);
        buf.flip();
        if (n < 0) {
            fin = true;
            return false;
        }
        listener.wireRead(n);
        return true;
    }

    /** Decodes one item's response into the store; the hot path (per leaf: one feed, one write, one count). */
    private void receiveBlob(GetPlan.Item item) throws GetException, IOException {
        BaoDecoder decoder = new BaoDecoder(item.hash().toBytes(), item.ranges());
        Optional<PartialBlob> writer = store.openPartial(item.hash());
        try (PartialBlob w = writer.orElse(null)) {
            listener.blobStarted(item, w);
            while (!decoder.isDone()) {
                if (!fill()) {
                    decoder.finish(); // throws TRUNCATED
                }
                for (BaoEvent e; (e = decoder.feed(buf)) != null; ) {
                    if (e instanceof BaoEvent.Size && decoder.size() > maxBlobSize) {
                        throw new BlobTooLargeException(item.hash(), decoder.size(), maxBlobSize, provider);
                    }
                    if (w != null) {
                        w.write(e);
                    }
                    if (e instanceof BaoEvent.Size) {
                        listener.blobStarted(item, w); // a new claim may have dropped what was there
                    }
                    if (e instanceof BaoEvent.Leaf l) {
                        listener.verified(provider, item, decoder.size(), l.data().remaining());
                    }
                }
            }
            listener.blobDone(provider, item, w == null || w.commit());
        } catch (BaoDecodeException e) {
            // A response cut short verifies as far as it goes; anything else is data that does not.
            Kind kind = e.kind() == BaoDecodeException.Kind.TRUNCATED ? Kind.TRUNCATED : Kind.VERIFICATION_FAILED;
            throw new GetException(Step.VERIFY, kind, "sent data that fails verification (" + e.getMessage() + ")", e);
        } catch (SizeConflictException e) {
            throw new GetException(Step.VERIFY, Kind.VERIFICATION_FAILED, e.getMessage(), e);
        }
    }
}
