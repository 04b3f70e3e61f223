package com.kafkaconnectiroh.p2p.netlab;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.discovery.mdns.MdnsDiscovery;
import com.kafkaconnectiroh.p2p.discovery.mdns.MdnsEvent;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.ping.Ping;
import com.kafkaconnectiroh.p2p.ping.PingException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A node with local-network discovery ({@code Node.Builder.localDiscovery}), for a LAN host of the lab (stdout lines, stdin commands): prints
 * {@code id <hex>}, then {@code discovered <hex> <addrs> <user-data>} and {@code expired <hex>} as they happen;
 * {@code subscribe} subscribes again, printing {@code told <hex>} per peer it is told of; {@code ping <hex>} pings that id with no address (the dial fails at once, then asks discovery: mDNS) and prints {@code pong <hex> <path>} or
 * {@code ping-failed <reason>}. Ends when stdin closes.
 */
public final class MdnsNodeMain {
    private MdnsNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        SecretKey key = SecretKey.generate();
        try (Node node = Node.builder().secretKey(key)
                .localDiscovery(b -> b.userData("java-" + key.publicKey().fmtShort())).spawn()) {
            MdnsDiscovery mdns = node.localDiscovery().orElseThrow(() -> new IllegalStateException("no local discovery"));
            mdns.subscribe(e -> {
                if (e instanceof MdnsEvent.Discovered d) {
                    say("discovered " + d.id() + " " + d.peer().addrs() + " " + d.peer().userData());
                } else {
                    say("expired " + e.id());
                }
            });
            say("id " + node.id() + " " + node.addr().ipAddrs());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("subscribe")) { // a late subscriber is told the peers known already
                    mdns.subscribe(e -> {
                        if (e instanceof MdnsEvent.Discovered d) {
                            say("told " + d.id());
                        }
                    });
                }
                if (line.startsWith("ping ")) {
                    EndpointId peer = EndpointId.parse(line.substring(5));
                    try {
                        Ping.Pong p = node.ping().ping(node.endpoint(), EndpointAddr.of(peer), Duration.ofSeconds(10));
                        say("pong " + p.remote() + " " + p.path());
                    } catch (PingException e) {
                        say("ping-failed " + e.getMessage());
                    }
                }
            }
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
