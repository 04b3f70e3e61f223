package com.kafkaconnectiroh.p2p.endpoint;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint's UDP socket on Netty, and the event loop everything else of the endpoint runs on. Owns the kernel
 * side: epoll or NIO, UDP GSO (one {@code sendmsg} per batch of equal datagrams) and GRO (coalesced reads split per
 * segment here), socket buffer sizes and how many datagrams one read or write takes.
 *
 * <p>Per datagram nothing is allocated but Netty's own packet wrapper, nothing is copied and nothing locked: reads
 * hand the pooled receive buffer to the {@link DatagramTransport.Receiver} as an offset and length; sends wrap the
 * caller's pooled buffer. Loop-confined except {@link #localAddress()}.
 */
final class UdpTransport extends ChannelInboundHandlerAdapter implements DatagramTransport {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    private static final int SOCKET_BUFFER = 8 << 20;
    private static final int RECV_SLOT = 2048;
    /** Datagrams per GSO send: 40 of up to 1500 bytes fit the 64 KiB one UDP send may carry. */
    private static final int MAX_GSO_SEGMENTS = 40;
    /** Datagrams a sender may prepare at once when each goes out in its own write. */
    private static final int SPLIT_BATCH = 8;

    final IoMode mode;
    private final String name;
    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private Channel channel;
    private ChannelHandlerContext ctx;
    private Receiver receiver;
    /** Set once {@link #close()} ran: reads still queued in Netty's read loop are dropped. */
    private boolean closed;
    private boolean gsoActive;
    private long datagramsIn;
    private long datagramsOut;
    private long sendCalls;

    /**
     * Chooses the kernel path for {@code transport} and starts the event loop (thread {@code name}); {@link #bind}
     * opens the socket, so the caller can set itself up on {@link #loop()} before the first datagram arrives.
     */
    UdpTransport(Endpoint.Transport transport, String name) throws IOException {
        boolean epoll = switch (transport) {
            case AUTO, EPOLL_NO_GSO -> Epoll.isAvailable();
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IOException("epoll transport requested but unavailable: " + Epoll.unavailabilityCause());
                }
                yield true;
            }
            case NIO -> false;
        };
        boolean gso = epoll && transport != Endpoint.Transport.EPOLL_NO_GSO
                && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
        boolean gro = gso;
        this.mode = new IoMode(epoll, gso, gro);
        this.gsoActive = gso;
        this.name = name;
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true), io);
        this.loop = group.next();
    }

    /** Binds the socket to {@code bind}; what it reads goes to {@code receiver}. On failure the loop is stopped. */
    void bind(InetSocketAddress bind, Receiver receiver) throws IOException {
        this.receiver = receiver;
        Bootstrap b = new Bootstrap().group(group)
                .channel(mode.epoll() ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .handler(this);
        if (mode.gro()) {
            // GRO works only on Netty's one-datagram-per-recvmsg path: a 64 KiB buffer per read and a max
            // payload as large, so a coalesced super-datagram comes back split into its segments.
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65535).maxMessagesPerRead(64))
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 65535)
                    .option(EpollChannelOption.UDP_GRO, true);
        } else if (mode.epoll()) {
            // recvmmsg with 16 slots per read (never combined with GRO: the segment size would be lost)
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECV_SLOT * 16).maxMessagesPerRead(16))
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, RECV_SLOT);
        } else {
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECV_SLOT).maxMessagesPerRead(64));
        }
        try {
            this.channel = b.bind(bind).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("interrupted while binding " + bind, e);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("could not bind UDP socket to " + bind + ": " + e.getMessage(), e);
        }
        LOG.debug("{} bound {} ({})", name, channel.localAddress(), mode);
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    // ================================================================================================
    // Receiving (Netty callbacks, loop)

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket p = (DatagramPacket) msg;
        if (closed) {
            p.release();
            return;
        }
        try {
            ByteBuf content = p.content();
            if (msg instanceof io.netty.channel.unix.SegmentedDatagramPacket s && s.segmentSize() > 0
                    && content.readableBytes() > s.segmentSize()) {
                // GRO: the kernel coalesced datagrams of one flow; each segment is one datagram
                int seg = s.segmentSize();
                for (int off = content.readerIndex(); off < content.writerIndex(); off += seg) {
                    datagramsIn++;
                    receiver.onDatagram(p.sender(), content, off, Math.min(seg, content.writerIndex() - off));
                }
            } else {
                datagramsIn++;
                receiver.onDatagram(p.sender(), content, content.readerIndex(), content.readableBytes());
            }
        } catch (Throwable t) {
            receiver.onReceiveFailed(p.sender(), t);
        } finally {
            p.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!closed) {
            receiver.onReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable() && !closed) {
            receiver.onWritable();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        receiver.onTransportError(cause);
    }

    // ================================================================================================
    // Sending (loop)

    @Override
    public int maxSegments() {
        return gsoActive ? MAX_GSO_SEGMENTS : SPLIT_BATCH;
    }

    @Override
    public ByteBuf buffer(int capacity) {
        return ctx.alloc().directBuffer(capacity);
    }

    @Override
    public boolean writable() {
        if (channel.isWritable()) {
            return true;
        }
        ctx.flush();
        return channel.isWritable();
    }

    @Override
    public void send(InetSocketAddress to, ByteBuf buf, int segmentSize, int count) {
        sendCalls++;
        datagramsOut += count;
        if (count == 1) {
            ctx.write(new DatagramPacket(buf, to), ctx.voidPromise());
        } else if (gsoActive) {
            ctx.write(new SegmentedDatagramPacket(buf, segmentSize, to)).addListener(f -> {
                if (!f.isSuccess() && gsoActive) {
                    // some routes/devices refuse UDP_SEGMENT (EIO); QUIC recovers the lost batch
                    gsoActive = false;
                    LOG.warn("UDP GSO send failed ({}); sending one datagram per write from now on",
                            f.cause() == null ? "?" : f.cause().getMessage());
                }
            });
        } else {
            int size = buf.readableBytes();
            for (int off = 0; off < size; off += segmentSize) {
                int len = Math.min(segmentSize, size - off);
                ctx.write(new DatagramPacket(buf.retainedSlice(off, len), to), ctx.voidPromise());
            }
            buf.release();
        }
    }

    @Override
    public void sendDatagram(InetSocketAddress to, ByteBuf datagram) {
        datagramsOut++;
        ctx.write(new DatagramPacket(datagram, to), ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public boolean hasPendingWrites() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out != null && !out.isEmpty();
    }

    // ================================================================================================

    @Override
    public CompletableFuture<Void> close() {
        closed = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        channel.close().addListener(x -> {
            group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS);
            done.complete(null);
        });
        return done;
    }

    @Override
    public String stats() {
        return mode + (mode.gso() && !gsoActive ? "(gso off after a failure)" : "") + " datagramsIn=" + datagramsIn
                + " datagramsOut=" + datagramsOut + " sendCalls=" + sendCalls;
    }
}
