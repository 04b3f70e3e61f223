package com.kafkaconnectiroh.p2p.ping;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.ConnectionLostException;
import com.kafkaconnectiroh.p2p.endpoint.ProtocolHandler;
import com.kafkaconnectiroh.p2p.endpoint.RecvStream;
import com.kafkaconnectiroh.p2p.endpoint.SendStream;
import com.kafkaconnectiroh.p2p.endpoint.StreamResetException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A throughput test between two nodes on ALPN {@value #ALPN}: the server side is this {@link ProtocolHandler},
 * the client side {@link #upload} and {@link #download}.
 *
 * <p>Wire (one transfer per stream; the client closes the connection when it is done, as the last reader):
 * <ul>
 * <li><b>upload</b>: the client opens a bidirectional stream, writes its bytes and finishes; the server reads to
 * the end and answers the count as 8 bytes big-endian, then finishes. This is exactly the iroh harness's
 * {@code sink} behaviour, so {@link #upload} also measures against such a peer, and a sink client measures
 * against this server.</li>
 * <li><b>download</b>: the client opens a unidirectional stream, writes the byte count it wants as 8 bytes
 * big-endian ({@value #UNTIL_STOPPED} = until it stops reading) and finishes; the server opens a unidirectional
 * stream, writes that many bytes and finishes. A client that has had enough sends STOP_SENDING.</li>
 * </ul>
 */
public final class Speedtest implements ProtocolHandler {
    public static final String ALPN = "/kafka-connect-iroh/speedtest/0";
    /** A download request for "as much as you can until I stop reading". */
    public static final long UNTIL_STOPPED = -1L;
    /** Bytes per write and read. */
    static final int CHUNK = 1 << 20;

    /** Which way the bytes went, seen from the client. */
    public enum Direction {
        UPLOAD, DOWNLOAD
    }

    /**
     * One finished transfer: bytes moved and the time they took. The client times from its first write (upload)
     * or its request (download) until the server's count (upload) or the last byte (download) arrived; the server
     * times from the stream's first byte (upload) or the request (download) until its end.
     */
    public record Transfer(EndpointId remote, Direction direction, long bytes, Duration elapsed) {
        /** Megabytes (10^6 bytes) per second. */
        public double mbPerSec() {
            double s = elapsed.toNanos() / 1e9;
            return s <= 0 ? 0 : bytes / 1e6 / s;
        }
    }

    /** How long a connection may stay without any transfer before the server closes it. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final Consumer<Transfer> listener;
    private final Duration idleTimeout;
    private final ExecutorService uniAcceptors;

    /** A server that reports nothing. */
    public Speedtest() {
        this(t -> { });
    }

    /** A server that reports every transfer it served to {@code listener} (on a worker thread). */
    public Speedtest(Consumer<Transfer> listener) {
        this(listener, DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * Like {@link #Speedtest(Consumer)}, closing a connection (code 0, reason {@code idle}) once it has had no
     * transfer for {@code idleTimeout}: a client that keeps a connection alive but never uses it would otherwise
     * hold one of the router's workers for good, and enough of them lock every other peer out.
     */
    public Speedtest(Consumer<Transfer> listener, Duration idleTimeout) {
        this.listener = Objects.requireNonNull(listener, "listener");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        this.idleTimeout = idleTimeout;
        AtomicInteger n = new AtomicInteger();
        this.uniAcceptors = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "speedtest-uni-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    // ================================================================================================
    // Client

    /**
     * Sends {@code bytes} (or, with a {@code duration}, as much as fits into it) on a new bidirectional stream and
     * waits for the server's count.
     *
     * @param duration zero or null: send exactly {@code bytes}; else send until this much time has passed
     * @throws IOException the transfer failed, or the server counted something else than was sent
     */
    public static Transfer upload(Connection conn, long bytes, Duration duration) throws IOException {
        boolean timed = duration != null && !duration.isZero();
        long limitNanos = timed ? duration.toNanos() : Long.MAX_VALUE;
        ByteBuffer chunk = payload();
        long t0 = System.nanoTime();
        BiStream s = conn.openBi();
        long sent = 0;
        while (timed ? System.nanoTime() - t0 < limitNanos : sent < bytes) {
            int n = timed ? CHUNK : (int) Math.min(CHUNK, bytes - sent);
            chunk.clear().limit(n);
            s.send().writeAll(chunk);
            sent += n;
        }
        s.send().finish();
        byte[] reply = s.recv().readToEnd(8);
        long elapsed = System.nanoTime() - t0;
        if (reply.length != 8) {
            throw new IOException("the speedtest server answered " + reply.length + " bytes, expected an 8-byte count");
        }
        long counted = ByteBuffer.wrap(reply).getLong();
        if (counted != sent) {
            throw new IOException("sent " + sent + " bytes but the server counted " + counted);
        }
        return new Transfer(conn.remoteId(), Direction.UPLOAD, sent, Duration.ofNanos(elapsed));
    }

    /**
     * Asks the server for {@code bytes} (or, with a {@code duration}, for as much as it can send until then) and
     * reads them from the unidirectional stream it opens.
     */
    public static Transfer download(Connection conn, long bytes, Duration duration) throws IOException {
        boolean timed = duration != null && !duration.isZero();
        if (!timed && bytes < 0) {
            throw new IllegalArgumentException("download size must not be negative: " + bytes);
        }
        long limitNanos = timed ? duration.toNanos() : Long.MAX_VALUE;
        long t0 = System.nanoTime();
        SendStream request = conn.openUni();
        request.writeAll(ByteBuffer.allocate(8).putLong(0, timed ? UNTIL_STOPPED : bytes));
        request.finish();
        RecvStream in = conn.acceptUni();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        long received = 0;
        while (true) {
            buf.clear();
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            received += n;
            if (timed && System.nanoTime() - t0 >= limitNanos) {
                in.stop(0);
                break;
            }
        }
        long elapsed = System.nanoTime() - t0;
        if (!timed && received != bytes) {
            throw new EOFException("asked for " + bytes + " bytes but the server's stream ended after " + received);
        }
        return new Transfer(conn.remoteId(), Direction.DOWNLOAD, received, Duration.ofNanos(elapsed));
    }

    /** 1 MiB of bytes to send: not all zero, not worth compressing (QUIC does not compress anyway). */
    private static ByteBuffer payload() {
        ByteBuffer b = ByteBuffer.allocateDirect(CHUNK);
        int x = 0x9E3779B9;
        while (b.remaining() >= 4) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            b.putInt(x);
        }
        return b.flip();
    }

    // ================================================================================================
    // Server

    @Override
    public void accept(Connection conn) throws Exception {
        Activity activity = new Activity();
        Future<?> uni = uniAcceptors.submit(() -> serveDownloads(conn, activity));
        try {
            while (true) {
                BiStream s;
                try {
                    s = conn.acceptBi(idleTimeout);
                } catch (ConnectionLostException e) {
                    return; // the client closed: done
                } catch (SocketTimeoutException e) {
                    if (activity.idleFor(idleTimeout)) {
                        conn.close(0, "idle");
                        return;
                    }
                    continue;
                }
                serveUpload(conn, s);
                activity.touch();
            }
        } finally {
            uni.cancel(true);
        }
    }

    /** Downloads in progress on one connection and when the last transfer moved. */
    private static final class Activity {
        private final AtomicInteger downloads = new AtomicInteger();
        private volatile long lastNanos = System.nanoTime();

        void touch() {
            lastNanos = System.nanoTime();
        }

        boolean idleFor(Duration d) {
            return downloads.get() == 0 && System.nanoTime() - lastNanos >= d.toNanos();
        }
    }

    private void serveUpload(Connection conn, BiStream s) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        long count = 0;
        long t0 = System.nanoTime();
        while (true) {
            buf.clear();
            int n = s.recv().read(buf);
            if (n < 0) {
                break;
            }
            count += n;
        }
        long elapsed = System.nanoTime() - t0;
        s.send().writeAll(ByteBuffer.allocate(8).putLong(0, count));
        s.send().finish();
        listener.accept(new Transfer(conn.remoteId(), Direction.UPLOAD, count, Duration.ofNanos(elapsed)));
    }

    private void serveDownloads(Connection conn, Activity activity) {
        try {
            while (true) {
                RecvStream req = conn.acceptUni(Duration.ZERO);
                activity.downloads.incrementAndGet();
                try {
                    byte[] r = req.readToEnd(8);
                    if (r.length != 8) {
                        conn.close(1, "expected an 8-byte download request, got " + r.length + " bytes");
                        return;
                    }
                    serveDownload(conn, ByteBuffer.wrap(r).getLong());
                } finally {
                    activity.touch();
                    activity.downloads.decrementAndGet();
                }
            }
        } catch (IOException e) {
            // connection closed (or a transfer broke off): nothing more to serve
        }
    }

    private void serveDownload(Connection conn, long requested) throws IOException {
        ByteBuffer chunk = payload();
        long t0 = System.nanoTime();
        SendStream out = conn.openUni();
        long sent = 0;
        // Any other negative count is as good as "until stopped": the client can always stop the stream.
        boolean untilStopped = requested < 0;
        try {
            while (untilStopped || sent < requested) {
                int n = untilStopped ? CHUNK : (int) Math.min(CHUNK, requested - sent);
                chunk.clear().limit(n);
                out.writeAll(chunk);
                sent += n;
            }
            out.finish();
        } catch (StreamResetException | ConnectionLostException e) {
            // An open-ended download ends when the client stops reading (STOP_SENDING) or closes the connection.
            if (!untilStopped || (e instanceof StreamResetException r && !r.stoppedByPeer())) {
                throw e;
            }
        }
        listener.accept(new Transfer(conn.remoteId(), Direction.DOWNLOAD, sent, Duration.ofNanos(System.nanoTime() - t0)));
    }

    @Override
    public void shutdown() {
        uniAcceptors.shutdownNow();
    }
}
