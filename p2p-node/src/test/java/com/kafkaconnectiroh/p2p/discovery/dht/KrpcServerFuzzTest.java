package com.kafkaconnectiroh.p2p.discovery.dht;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The query handler on arguments of every wrong shape: each query is answered or refused with a {@link KrpcError},
 * never another exception, and storage stays within its limits.
 */
class KrpcServerFuzzTest {
    private static final String[] METHODS = {"ping", "find_node", "get_peers", "announce_peer", "get", "put",
            KrpcServer.IROH_RECORD, "vote"};
    private static final String[] KEYS = {"id", "target", "info_hash", "port", "implied_port", "token", "k", "v",
            "seq", "sig", "salt", "cas", "ro"};

    @Test
    void randomArgumentsOnlyEverYieldAReplyOrAKrpcError() {
        Random rnd = new Random(44);
        Id20 self = Id20.random();
        RoutingTable table = new RoutingTable(self, 8);
        Storage storage = new Storage(20, 20, 5);
        Tokens tokens = new Tokens(0);
        KrpcServer server = new KrpcServer(self, table, storage, tokens, 8);
        InetSocketAddress from = new InetSocketAddress("192.0.2.1", 6881);
        SecretKey key = SecretKey.generate();
        MutableItem good = MutableItem.sign(key, new byte[0], 5, new byte[] {1, 2, 3});
        int answered = 0;
        int refused = 0;
        for (int i = 0; i < 100_000; i++) {
            Map<String, Object> a = new TreeMap<>();
            for (String k : KEYS) {
                if (rnd.nextInt(3) > 0) {
                    a.put(k, value(rnd, k, good, tokens.issue(from.getAddress(), i)));
                }
            }
            try {
                server.answer(METHODS[rnd.nextInt(METHODS.length)], a, from, i);
                answered++;
            } catch (KrpcError e) {
                refused++;
                assertTrue(e.code() >= 201 && e.code() <= 302, "code " + e.code());
            }
        }
        assertTrue(answered > 1000 && refused > 1000, answered + " answered, " + refused + " refused");
        assertTrue(storage.itemCount() <= 5 && storage.infoHashCount() <= 20);
    }

    /** A value for {@code key}: sometimes right, mostly of a wrong size or type. */
    private static Object value(Random rnd, String key, MutableItem good, byte[] token) {
        switch (rnd.nextInt(6)) {
            case 0:
                return (long) rnd.nextInt(70_000) - 5;
            case 1: {
                byte[] b = new byte[rnd.nextInt(1100)];
                rnd.nextBytes(b);
                return b;
            }
            case 2:
                return List.of(new byte[rnd.nextInt(30)], 1L);
            case 3:
                return Map.of("x", new byte[2]);
            default:
                return switch (key) {
                    case "id", "target", "info_hash" -> rnd.nextBoolean() ? Id20.random().toBytes() : good.target().toBytes();
                    case "token" -> token;
                    case "k" -> good.key().toBytes();
                    case "sig" -> good.signature();
                    case "seq", "cas" -> rnd.nextBoolean() ? good.seq() : (long) rnd.nextInt(10);
                    case "v" -> new byte[] {1, 2, 3};
                    case "port" -> (long) rnd.nextInt(65536);
                    case "implied_port", "ro" -> (long) rnd.nextInt(2);
                    default -> new ArrayList<>();
                };
        }
    }
}
