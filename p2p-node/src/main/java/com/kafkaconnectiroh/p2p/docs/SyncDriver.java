package com.kafkaconnectiroh.p2p.docs;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.docs.proto.AbortReason;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import com.kafkaconnectiroh.p2p.docs.proto.Reconciler;
import com.kafkaconnectiroh.p2p.docs.proto.SyncFrame;
import com.kafkaconnectiroh.p2p.docs.proto.SyncMessage;
import com.kafkaconnectiroh.p2p.docs.proto.SyncOutcome;
import com.kafkaconnectiroh.p2p.docs.store.SyncView;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The thin I/O around a {@link Reconciler}: one sync session on one bidirectional stream, as the dialer ("Alice")
 * or the acceptor ("Bob"), following iroh-docs' {@code net/codec.rs} ({@code run_alice}, {@code BobState::run}).
 * Each message is verified without the replica's lock, then answered under it, then committed. When the
 * reconciler has nothing more to say, our side finishes its stream; a clean end of the peer's stream between
 * frames ends the exchange too.
 */
final class SyncDriver {
    /** How long we wait, after the exchange, for the peer to acknowledge our last bytes and finish its side. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    /** What the acceptor needs from the engine. */
    interface Host {
        /** Whether to sync {@code namespace} with {@code peer}: null to go ahead, else why not. */
        AbortReason accept(NamespaceId namespace, EndpointId peer);

        /** The replica to reconcile, reporting stored entries as coming from {@code peer}. */
        SyncView view(NamespaceId namespace, EndpointId peer);

        /** Makes what a message stored durable. */
        void commit();
    }

    /** The outcome of an accepted session and which document it was for (null if it ended before Init). */
    record Accepted(NamespaceId namespace, SyncOutcome outcome) {
    }

    private SyncDriver() {
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** Runs the dialer's side: Init, then answer each Sync until either side is done. */
    static SyncOutcome alice(BiStream stream, NamespaceId namespace, SyncView view, Runnable commit, DocsConfig config)
            throws IOException {
        SyncFrameIO io = new SyncFrameIO(stream, config.maxFrameBytes(), config.readTimeout());
        Reconciler rec = new Reconciler(view);
        SyncMessage init;
        view.replica().lock().lock();
        try {
            init = rec.initialMessage();
        } finally {
            view.replica().lock().unlock();
        }
        io.write(new SyncFrame.Init(namespace, init));
        while (true) {
            SyncFrame f = io.read();
            if (f == null) {
                break;
            }
            if (f instanceof SyncFrame.Abort a) {
                throw new SyncAbortedException(a.reason());
            }
            if (f instanceof SyncFrame.Init) {
                throw new SyncProtocolException("peer sent a second Init");
            }
            SyncMessage reply = step(rec, view, ((SyncFrame.Sync) f).message(), commit);
            if (reply == null) {
                break;
            }
            io.write(new SyncFrame.Sync(reply));
        }
        finish(stream, config);
        return rec.outcome();
    }

    /** Runs the acceptor's side on a stream the peer opened. */
    static Accepted bob(BiStream stream, EndpointId peer, Host host, DocsConfig config) throws IOException {
        SyncFrameIO io = new SyncFrameIO(stream, config.maxFrameBytes(), config.readTimeout());
        Reconciler rec = null;
        SyncView view = null;
        NamespaceId namespace = null;
        while (true) {
            SyncFrame f = io.read();
            if (f == null) {
                break;
            }
            SyncMessage in;
            if (f instanceof SyncFrame.Init init) {
                if (namespace != null) {
                    throw new SyncProtocolException("peer sent a second Init");
                }
                AbortReason refusal = host.accept(init.namespace(), peer);
                if (refusal != null) {
                    io.write(new SyncFrame.Abort(refusal));
                    finish(stream, config);
                    throw new SyncAbortedException(refusal);
                }
                namespace = init.namespace();
                view = host.view(namespace, peer);
                rec = new Reconciler(view);
                in = init.message();
            } else if (f instanceof SyncFrame.Sync s) {
                if (namespace == null) {
                    throw new SyncProtocolException("peer sent a Sync message before Init");
                }
                in = s.message();
            } else {
                throw new SyncProtocolException("peer sent Abort, which only the acceptor may send");
            }
            SyncMessage reply = step(rec, view, in, host::commit);
            if (reply == null) {
                break;
            }
            io.write(new SyncFrame.Sync(reply));
        }
        finish(stream, config);
        if (namespace == null) {
            throw new SyncProtocolException("stream ended before the Init message");
        }
        return new Accepted(namespace, rec.outcome());
    }

    private static SyncMessage step(Reconciler rec, SyncView view, SyncMessage in, Runnable commit) {
        Reconciler.Prepared p = rec.prepare(in, nowMicros());
        SyncMessage reply;
        view.replica().lock().lock();
        try {
            reply = rec.apply(p);
        } finally {
            view.replica().lock().unlock();
        }
        commit.run();
        view.flushInserted();
        return reply;
    }

    /**
     * Ends our side as iroh does: FIN, wait until the peer acknowledged it (or stopped us), then read the peer's
     * side to its end. The exchange is complete by now, so a peer that closes the connection meanwhile is fine.
     */
    private static void finish(BiStream stream, DocsConfig config) {
        stream.send().finish();
        try {
            stream.send().stopped().get(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            stream.recv().readToEnd(0, CLOSE_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | IOException e) {
            // the peer closed or went quiet after the last message; nothing is lost
        }
    }
}
