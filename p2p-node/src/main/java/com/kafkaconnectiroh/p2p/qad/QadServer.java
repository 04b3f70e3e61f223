package com.kafkaconnectiroh.p2p.qad;

import com.kafkaconnectiroh.p2p.endpoint.QadTarget;
import com.kafkaconnectiroh.p2p.quic.ConnectionEvent;
import com.kafkaconnectiroh.p2p.quic.EndpointConfig;
import com.kafkaconnectiroh.p2p.quic.QuicConnection;
import com.kafkaconnectiroh.p2p.quic.QuicEndpoint;
import com.kafkaconnectiroh.p2p.quic.Transmit;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import com.kafkaconnectiroh.p2p.quic.params.ObservedAddrRole;
import com.kafkaconnectiroh.p2p.tls.TlsServerConfig;
import com.kafkaconnectiroh.p2p.tls.TlsServerSession;
import com.kafkaconnectiroh.p2p.tls.X509Credentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QUIC address discovery server an iroh relay runs beside its HTTPS port (IR {@code iroh-relay/src/quic.rs},
 * IROH-WIRE-MAP-RELAY §2.1): UDP, default port {@value #DEFAULT_PORT}, ALPN {@code /iroh-qad/0}, the relay's X.509
 * certificate, observed_addr role send-only and no streams. A client that connects learns the address its
 * datagrams came from (OBSERVED_ADDR), i.e. its NAT mapping; the server then only waits for the client to close
 * (app code 1 "finished" is the normal end).
 *
 * <p>One thread drives the sans-IO {@link QuicEndpoint} over a non-blocking UDP channel: receive what is there,
 * fire due timers (a heap of deadlines), let the connections touched send, sleep until the next deadline or
 * datagram. The traffic is a handshake and a keep-alive every 25 s per client, so the thread is idle almost
 * always.
 *
 * <pre>{@code
 * QadServer qad = QadServer.start(new InetSocketAddress(QadServer.DEFAULT_PORT),
 *         X509Credentials.fromPem(Path.of("fullchain.pem"), Path.of("privkey.pem")));
 * ...
 * qad.close();
 * }</pre>
 */
public final class QadServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QadServer.class);
    /** UDP 7842, iroh's {@code DEFAULT_RELAY_QUIC_PORT}. */
    public static final int DEFAULT_PORT = QadTarget.DEFAULT_PORT;

    private final DatagramChannel channel;
    private final Selector selector;
    private final QuicEndpoint quic;
    private final InetSocketAddress localAddress;
    private final Thread thread;
    private volatile boolean closing;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    private QadServer(DatagramChannel channel, Selector selector, QuicEndpoint quic) throws IOException {
        this.channel = channel;
        this.selector = selector;
        this.quic = quic;
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
        this.thread = new Thread(this::run, "qad-server-" + localAddress.getPort());
        this.thread.setDaemon(true);
    }

    /**
     * Binds {@code bind} (port 0: any free port) and starts serving with {@code credentials}, the relay's
     * certificate chain and key. Throws if the port cannot be bound.
     */
    public static QadServer start(InetSocketAddress bind, X509Credentials credentials) throws IOException {
        TlsServerConfig tls = TlsServerConfig.forCertificate(credentials,
                List.of(QadTarget.ALPN.getBytes(StandardCharsets.US_ASCII)));
        // iroh's QuicServer: no streams, send-only reports; the client keeps the connection alive (25 s, idle 35 s)
        TransportConfig tc = new TransportConfig()
                .observedAddrRole(ObservedAddrRole.SEND_ONLY)
                .maxConcurrentBidiStreams(0)
                .maxConcurrentUniStreams(0)
                .maxIdleTimeout(Duration.ofSeconds(35));
        QuicEndpoint quic = new QuicEndpoint(new EndpointConfig(), tc, tp -> new TlsServerSession(tls, tp), new SecureRandom());
        DatagramChannel ch = bind.getAddress() != null && bind.getAddress() instanceof java.net.Inet4Address
                ? DatagramChannel.open(StandardProtocolFamily.INET) : DatagramChannel.open();
        Selector sel = null;
        try {
            ch.bind(bind);
            ch.configureBlocking(false);
            sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
            QadServer s = new QadServer(ch, sel, quic);
            s.thread.start();
            LOG.info("QUIC address discovery server on udp {}", s.localAddress);
            return s;
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (sel != null) {
                sel.close();
            }
            throw e;
        }
    }

    /** The bound UDP address. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Clients whose handshake completed, since start. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Connections that ended with the client's normal close (code 1), and those that ended otherwise. */
    public long finishedConnections() {
        return finished.get();
    }

    public long failedConnections() {
        return failed.get();
    }

    /** Stops the thread and closes the socket; connections end without a word (clients time out or re-probe). */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the QAD socket: {}", e.toString());
        }
    }

    /** A connection's deadline in the timer heap; stale once the connection's armed deadline differs. */
    private record Deadline(long at, QuicConnection conn) {
    }

    private void run() {
        ByteBuffer in = ByteBuffer.allocateDirect(65536);
        ByteBuffer out = ByteBuffer.allocateDirect(65536);
        // only connections that received a datagram or whose timer fired are looked at in a round, so a relay
        // with many clients holding their probe open pays per datagram, not per client
        PriorityQueue<Deadline> deadlines = new PriorityQueue<>(Comparator.comparingLong(Deadline::at));
        Map<QuicConnection, Long> armed = new IdentityHashMap<>();
        Set<QuicConnection> touched = Collections.newSetFromMap(new IdentityHashMap<>());
        try {
            while (!closing) {
                long now = System.nanoTime();
                receive(in, now, touched);
                while (!deadlines.isEmpty() && deadlines.peek().at() <= now) {
                    Deadline d = deadlines.poll();
                    Long armedAt = armed.get(d.conn());
                    if (armedAt != null && armedAt == d.at()) {
                        armed.remove(d.conn());
                        d.conn().handleTimeout(now);
                        touched.add(d.conn());
                    }
                }
                touched.addAll(quic.pollRescheduled());
                for (QuicConnection c : touched) {
                    drainEvents(c);
                    send(c, out, now);
                    long at = c.pollTimeout();
                    if (c.isDrained() || at == Long.MAX_VALUE) {
                        armed.remove(c);
                    } else if (armed.get(c) == null || armed.get(c) != at) {
                        armed.put(c, at);
                        deadlines.add(new Deadline(at, c));
                    }
                }
                touched.clear();
                sendEndpointReplies(out);
                long next = deadlines.isEmpty() ? Long.MAX_VALUE : deadlines.peek().at();
                long waitMs = next == Long.MAX_VALUE ? 1000 : Math.max(1, (next - System.nanoTime()) / 1_000_000 + 1);
                selector.select(Math.min(waitMs, 1000));
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            if (!closing) {
                LOG.warn("QUIC address discovery server on {} stopped: {}", localAddress, e.toString());
            }
        } catch (RuntimeException e) {
            LOG.error("QUIC address discovery server on {} failed", localAddress, e);
        }
    }

    private void receive(ByteBuffer in, long now, Set<QuicConnection> touched) throws IOException {
        SocketAddress from;
        in.clear();
        while ((from = channel.receive(in)) != null) {
            in.flip();
            try {
                QuicConnection c = quic.handleDatagram(now, (InetSocketAddress) from, in);
                if (c != null) {
                    touched.add(c);
                }
            } catch (RuntimeException e) {
                LOG.debug("QAD datagram from {} dropped: {}", from, e.toString());
            }
            QuicConnection c;
            while ((c = quic.pollIncoming()) != null) {
                touched.add(c);
            }
            in.clear();
        }
    }

    private void drainEvents(QuicConnection c) {
        ConnectionEvent e;
        while ((e = c.pollEvent()) != null) {
            if (e instanceof ConnectionEvent.Connected) {
                accepted.incrementAndGet();
            } else if (e instanceof ConnectionEvent.ConnectionLost lost) {
                var why = lost.reason();
                if (why.application() && why.errorCode() == QadTarget.CLOSE_CODE_FINISHED) {
                    finished.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    LOG.debug("QAD connection from {} ended: {}", c.remoteAddress(), why);
                }
            }
        }
    }

    private void send(QuicConnection c, ByteBuffer out, long now) throws IOException {
        for (int guard = 0; guard < 64; guard++) {
            out.clear();
            Transmit t = c.pollTransmit(now, out, 1);
            if (t == null) {
                return;
            }
            out.flip();
            channel.send(out, t.destination());
        }
    }

    private void sendEndpointReplies(ByteBuffer out) throws IOException {
        out.clear();
        Transmit t;
        while ((t = quic.pollTransmit(out)) != null) {
            out.flip();
            channel.send(out, t.destination());
            out.clear();
        }
    }

    @Override
    public String toString() {
        return "QadServer(" + localAddress + ")";
    }
}
