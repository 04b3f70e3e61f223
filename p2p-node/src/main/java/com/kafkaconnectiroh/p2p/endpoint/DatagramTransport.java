package com.kafkaconnectiroh.p2p.endpoint;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * How the {@link Driver} moves datagrams: the UDP socket ({@link UdpTransport}) and relays ({@link RelayTransport},
 * datagrams through a relay server to an endpoint id). A path is a transport plus a destination on it.
 * Destinations are socket addresses because that is what QUIC keys its paths by; the relay transport hands out
 * addresses that stand for an endpoint id behind a relay ({@link RelayAddresses}), as iroh's magicsock gives quinn
 * mapped addresses (IR@v0.35.0 {@code iroh/src/magicsock.rs}, {@code RelayMappedAddr}).
 *
 * <p>Everything here runs on the transport's {@link #loop()} except {@link #localAddress()}. The send methods take
 * ownership of the buffer they are given.
 */
interface DatagramTransport {

    /** What the driver does with what a transport reads and with its state changes; called on the loop. */
    interface Receiver {
        /** One datagram from {@code from}: {@code len} bytes of {@code content} at {@code off}, valid during the call. */
        void onDatagram(InetSocketAddress from, ByteBuf content, int off, int len);

        /** Handling what came from {@code from} threw; the rest of that read (a coalesced batch) is dropped. */
        void onReceiveFailed(InetSocketAddress from, Throwable cause);

        /** A batch of reads ended: time to process what it changed and flush. */
        void onReadComplete();

        /** The transport takes sends again after {@link #writable()} said no. */
        void onWritable();

        /** Something failed inside the transport's own I/O work (not in a {@code Receiver} call). */
        void onTransportError(Throwable cause);
    }

    /** The thread that runs the transport, the driver and every connection. */
    EventLoop loop();

    InetSocketAddress localAddress();

    /** The most datagrams one {@link #send} may carry (may drop, e.g. when the kernel refuses segmentation). */
    int maxSegments();

    /** A pooled direct buffer to write datagrams into before {@link #send}. */
    ByteBuf buffer(int capacity);

    /** Whether a send may go now; flushes queued writes first if not. False: wait for {@link Receiver#onWritable}. */
    boolean writable();

    /**
     * Queues {@code count} datagrams to {@code to}: {@code datagrams}' readable bytes cut into {@code segmentSize}
     * pieces (the last may be shorter), sent as one batch where the kernel allows. Goes out with the next flush.
     */
    void send(InetSocketAddress to, ByteBuf datagrams, int segmentSize, int count);

    /** Queues one datagram that is not part of a QUIC transmit (disco); counted as a datagram, not a send call. */
    void sendDatagram(InetSocketAddress to, ByteBuf datagram);

    void flush();

    /** Whether queued datagrams have not reached the kernel yet. */
    boolean hasPendingWrites();

    /** Closes the socket and stops the loop; completes once the socket is closed. Reads stop at once. */
    CompletableFuture<Void> close();

    /** Counters for diagnostics: mode, datagrams in and out, send calls. */
    String stats();
}
