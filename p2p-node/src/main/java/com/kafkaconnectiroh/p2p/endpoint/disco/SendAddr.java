package com.kafkaconnectiroh.p2p.endpoint.disco;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import java.net.InetSocketAddress;

/** Where a disco Ping came from, as its Pong reports it: a UDP address or a relay (IR@v0.35.0 {@code disco.rs::SendAddr}). */
public sealed interface SendAddr {

    record Udp(InetSocketAddress address) implements SendAddr {
        public Udp {
            if (address == null || address.isUnresolved()) {
                throw new IllegalArgumentException("UDP send address must be a resolved ip:port, got " + address);
            }
        }

        @Override
        public String toString() {
            return "UDP(" + SocketAddrs.format(address) + ")";
        }
    }

    record Relay(RelayUrl url) implements SendAddr {
        public Relay {
            if (url == null) {
                throw new IllegalArgumentException("relay send address needs a URL");
            }
        }

        @Override
        public String toString() {
            return "Relay(" + url + ")";
        }
    }
}
