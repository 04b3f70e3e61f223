package com.kafkaconnectiroh.p2p.netlab;

import com.kafkaconnectiroh.p2p.relay.server.RelayServer;
import com.kafkaconnectiroh.p2p.relay.server.RelayServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The Java relay server in its own process (e.g. in the lab's internet namespace): {@code RelayMain IP:PORT}
 * prints {@code relay: <url>} once it listens and serves until stdin ends or it is killed.
 */
public final class RelayMain {
    private RelayMain() {
    }

    public static void main(String[] args) throws IOException {
        int colon = args[0].lastIndexOf(':');
        InetSocketAddress bind = new InetSocketAddress(args[0].substring(0, colon), Integer.parseInt(args[0].substring(colon + 1)));
        try (RelayServer relay = RelayServer.start(new RelayServerConfig().bind(bind))) {
            System.out.println("relay: " + relay.url());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until EOF
            }
        }
    }
}
