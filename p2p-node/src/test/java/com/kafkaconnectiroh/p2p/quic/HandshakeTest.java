package com.kafkaconnectiroh.p2p.quic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class HandshakeTest {

    @Test
    void handshakeCompletesAndStreamEchoes() {
        Sim sim = new Sim(1);
        TransportConfig tc = new TransportConfig();
        Sim.Node server = sim.server(tc);
        Sim.Node client = sim.client(tc, 5000);
        QuicConnection c = sim.connect(client, server, tc);
        sim.runUntil(() -> c.isHandshakeComplete() && !server.accepted.isEmpty()
                && server.accepted.get(0).isHandshakeComplete(), 5_000_000_000L);
        QuicConnection s = server.accepted.get(0);
        assertEquals(server.key.publicKey(), c.peerId());
        assertEquals(client.key.publicKey(), s.peerId());
        assertArrayEquals(Sim.ALPN, c.alpn());
        sim.runUntil(c::isHandshakeConfirmed, 5_000_000_000L);

        long id = c.openBi();
        assertTrue(id >= 0);
        byte[] msg = "hello quic".getBytes();
        assertEquals(msg.length, c.write(id, ByteBuffer.wrap(msg)));
        c.finish(id);
        ByteBuffer got = ByteBuffer.allocate(100);
        long[] sid = {-1};
        boolean[] fin = {false};
        sim.runUntil(() -> {
            if (sid[0] < 0) {
                sid[0] = s.acceptBi();
            }
            if (sid[0] >= 0 && !fin[0]) {
                int n = s.read(sid[0], got);
                if (n == -1) {
                    fin[0] = true;
                }
            }
            return fin[0];
        }, 5_000_000_000L);
        got.flip();
        byte[] back = new byte[got.remaining()];
        got.get(back);
        assertArrayEquals(msg, back);
        assertNotNull(s.stats());
    }
}
