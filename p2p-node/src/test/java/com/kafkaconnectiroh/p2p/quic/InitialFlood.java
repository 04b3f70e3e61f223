package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;

/**
 * Genuine client Initials ({@link InitialForge}) sent from many loopback sources (127.0.0.2, 127.0.0.3, …, each
 * its own address and port), as a flood with spoofed source addresses looks to a server on loopback. Nobody
 * answers what comes back; {@link #receive} lets a test read it where it wants to.
 */
public final class InitialFlood implements AutoCloseable {
    private final InitialForge forge;
    private final DatagramChannel[] sources;
    private final InetSocketAddress target;
    private int next;
    private long sent;

    public InitialFlood(EndpointId server, String alpn, InetSocketAddress target, int sources, long seed)
            throws IOException {
        this.forge = new InitialForge(server, alpn, new SplittableRandom(seed));
        this.target = target;
        this.sources = new DatagramChannel[sources];
        for (int i = 0; i < sources; i++) {
            int host = 2 + i;
            DatagramChannel ch = DatagramChannel.open();
            ch.bind(new InetSocketAddress("127.0." + (host >> 8) + "." + (host & 0xFF), 0));
            ch.configureBlocking(false);
            this.sources[i] = ch;
        }
    }

    /** One Initial with fresh connection IDs from the next source in turn. */
    public void sendOne() {
        send(next++ % sources.length, forge.next());
    }

    /** Like {@link #sendOne} with {@link InitialForge#nextSameHello}, for high rates. */
    public void sendOneSameHello() {
        send(next++ % sources.length, forge.nextSameHello());
    }

    /** {@code datagram} from source {@code i}. */
    public void send(int i, byte[] datagram) {
        try {
            sources[i].send(ByteBuffer.wrap(datagram), target);
            sent++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An Initial to {@code dcid} with {@code token} from source {@code i}. */
    public void send(int i, ConnectionId dcid, byte[] token) {
        send(i, forge.next(dcid, token));
    }

    /** The next datagram source {@code i} received, or null if none is waiting. */
    public byte[] receive(int i) {
        try {
            ByteBuffer b = ByteBuffer.allocate(65536);
            if (sources[i].receive(b) == null) {
                return null;
            }
            b.flip();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InetSocketAddress sourceAddress(int i) {
        try {
            return (InetSocketAddress) sources[i].getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int sources() {
        return sources.length;
    }

    public long sent() {
        return sent;
    }

    @Override
    public void close() throws IOException {
        for (DatagramChannel ch : sources) {
            ch.close();
        }
    }
}
