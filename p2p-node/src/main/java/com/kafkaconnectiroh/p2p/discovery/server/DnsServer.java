package com.kafkaconnectiroh.p2p.discovery.server;

import com.kafkaconnectiroh.p2p.base.RateLimiter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link PkarrZone} over DNS: UDP and TCP (RFC 1035 §4.2, RFC 7766) on the same address and port.
 * Hardened for strangers: queries are rate-limited per source IP and in total (over the limit they are dropped
 * without an answer, so a spoofed flood gets no amplification), one thread answers UDP in order (a flood costs
 * CPU up to the rate limit and kernel buffer space, never memory of ours), and TCP takes at most
 * {@value #MAX_TCP_CONNECTIONS} connections at once, each ended after {@value #TCP_IDLE_MILLIS} ms of silence or
 * {@value #TCP_MAX_QUERIES} queries.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
    static final int MAX_TCP_CONNECTIONS = 32;
    static final int TCP_IDLE_MILLIS = 10_000;
    static final int TCP_MAX_QUERIES = 64;

    private final PkarrZone zone;
    private final RateLimiter limiter;
    private final DatagramChannel udp;
    private final ServerSocket tcp;
    private final ExecutorService tcpWorkers;
    private final Thread udpThread;
    private final Thread tcpThread;
    private final AtomicLong answered = new AtomicLong();
    private volatile boolean closed;

    /**
     * Binds UDP and TCP on {@code bind} (port 0: a free port, the same for both where possible).
     *
     * @param limiter per-source and total query limits
     */
    public DnsServer(InetSocketAddress bind, PkarrZone zone, RateLimiter limiter) throws IOException {
        this.zone = zone;
        this.limiter = limiter;
        this.udp = DatagramChannel.open();
        DatagramChannel u = udp;
        ServerSocket t = null;
        try {
            u.bind(bind);
            int port = ((InetSocketAddress) u.getLocalAddress()).getPort();
            t = new ServerSocket();
            t.setReuseAddress(true);
            t.bind(new InetSocketAddress(bind.getAddress(), port), 64);
        } catch (IOException e) {
            u.close();
            if (t != null) {
                t.close();
            }
            throw new IOException("cannot bind the DNS server to " + bind + ": " + e.getMessage(), e);
        }
        this.tcp = t;
        this.tcpWorkers = new ThreadPoolExecutor(0, MAX_TCP_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "dns-server-tcp"));
        this.udpThread = daemon(this::serveUdp, "dns-server-udp");
        this.tcpThread = daemon(this::acceptTcp, "dns-server-accept");
        udpThread.start();
        tcpThread.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread th = new Thread(r, name);
        th.setDaemon(true);
        return th;
    }

    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) udp.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("DNS server closed", e);
        }
    }

    /** Queries answered so far (UDP and TCP). */
    public long answered() {
        return answered.get();
    }

    /** Queries dropped by the rate limits so far. */
    public long rateLimited() {
        return limiter.refused();
    }

    private void serveUdp() {
        ByteBuffer in = ByteBuffer.allocate(4096);
        byte[] query = new byte[4096];
        while (!closed) {
            try {
                in.clear();
                InetSocketAddress from = (InetSocketAddress) udp.receive(in);
                if (!limiter.tryAcquire(from.getAddress(), System.nanoTime())) {
                    continue;
                }
                in.flip();
                int len = in.remaining();
                in.get(query, 0, len);
                Optional<byte[]> reply = zone.answer(query, len, true, System.nanoTime());
                if (reply.isPresent()) {
                    udp.send(ByteBuffer.wrap(reply.get()), from);
                    answered.incrementAndGet();
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.debug("DNS over UDP: {}", e.toString());
                }
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("DNS over TCP: accept failed: {}", e.toString());
                }
                continue;
            }
            if (!limiter.tryAcquire(s.getInetAddress(), System.nanoTime())) {
                closeQuietly(s);
                continue;
            }
            try {
                tcpWorkers.execute(() -> serveTcp(s));
            } catch (RejectedExecutionException busy) {
                closeQuietly(s);
            }
        }
    }

    private void serveTcp(Socket s) {
        try (s) {
            s.setSoTimeout(TCP_IDLE_MILLIS);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] query = new byte[65535];
            for (int i = 0; i < TCP_MAX_QUERIES && !closed; i++) {
                int len = in.readUnsignedShort();
                in.readFully(query, 0, len);
                if (i > 0 && !limiter.tryAcquire(s.getInetAddress(), System.nanoTime())) {
                    return;
                }
                Optional<byte[]> reply = zone.answer(query, len, false, System.nanoTime());
                if (reply.isEmpty()) {
                    return;
                }
                out.writeShort(reply.get().length);
                out.write(reply.get());
                out.flush();
                answered.incrementAndGet();
            }
        } catch (SocketTimeoutException | java.io.EOFException e) {
            // idle or done
        } catch (IOException e) {
            LOG.debug("DNS over TCP from {}: {}", s.getRemoteSocketAddress(), e.toString());
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            udp.close();
        } catch (IOException e) {
            // closing
        }
        try {
            tcp.close();
        } catch (IOException e) {
            // closing
        }
        tcpWorkers.shutdownNow();
    }
}
