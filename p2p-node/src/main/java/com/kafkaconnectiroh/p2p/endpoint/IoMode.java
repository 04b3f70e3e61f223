package com.kafkaconnectiroh.p2p.endpoint;

/** How a {@link UdpTransport} talks to the kernel: which Netty transport, and whether batched send/receive is used. */
record IoMode(boolean epoll, boolean gso, boolean gro) {
    @Override
    public String toString() {
        return (epoll ? "epoll" : "nio") + (gso ? "+gso" : "") + (gro ? "+gro" : "");
    }
}
