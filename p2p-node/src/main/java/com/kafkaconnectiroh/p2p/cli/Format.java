package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.ping.Speedtest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;

/** How the commands write figures: milliseconds with two decimals, MB = 10^6 bytes. */
final class Format {
    private Format() {
    }

    static String ms(Duration d) {
        return String.format(Locale.ROOT, "%.2f ms", d.toNanos() / 1e6);
    }

    static String addr(InetSocketAddress a) {
        return a == null ? "?" : SocketAddrs.format(a);
    }

    /** {@code upload from <id>: 104857600 bytes in 0.512 s = 204.80 MB/s} (the peer is the client). */
    static String transfer(Speedtest.Transfer t) {
        return String.format(Locale.ROOT, "%s %s %s: %d bytes in %.3f s = %.2f MB/s",
                t.direction() == Speedtest.Direction.UPLOAD ? "upload" : "download",
                t.direction() == Speedtest.Direction.UPLOAD ? "from" : "to", t.remote(), t.bytes(),
                t.elapsed().toNanos() / 1e9, t.mbPerSec());
    }
}
