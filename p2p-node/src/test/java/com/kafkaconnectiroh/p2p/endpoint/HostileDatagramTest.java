package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.endpoint.disco.DiscoMessage;
import com.kafkaconnectiroh.p2p.endpoint.disco.DiscoPacket;
import com.kafkaconnectiroh.p2p.endpoint.disco.SendAddr;
import com.kafkaconnectiroh.p2p.endpoint.disco.TransactionId;
import com.kafkaconnectiroh.p2p.interop.Pattern;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Garbage at the socket: random datagrams, QUIC-looking Initials, disco packets with random or forged boxes, and
 * a flood of valid disco Pings from many keys. The endpoint drops or rate-limits all of it, answers what is
 * legitimate, and keeps serving a real connection. Seeded, so every run sends the same bytes.
 */
@Timeout(60)
class HostileDatagramTest {

    @Test
    void garbageIsDroppedAndTheEndpointKeepsServing() throws Exception {
        Random rnd = new Random(20261125L);
        InetSocketAddress lo = new InetSocketAddress("127.0.0.1", 0);
        try (Endpoint server = Endpoint.builder().bindAddr(lo).bind();
             Router router = Router.builder(server).accept(EndpointTest.ECHO, EchoHandler.INSTANCE).spawn();
             Endpoint client = Endpoint.builder().bindAddr(lo).bind();
             DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress target = server.boundAddress();
            byte[] buf = new byte[1500];

            for (int i = 0; i < 2000; i++) { // random bytes of every length
                int len = rnd.nextInt(1500);
                rnd.nextBytes(buf);
                attacker.send(new DatagramPacket(buf, len, target));
            }
            for (int i = 0; i < 500; i++) { // long-header Initials of garbage
                rnd.nextBytes(buf);
                buf[0] = (byte) (0xC0 | rnd.nextInt(4));
                buf[1] = 0;
                buf[2] = 0;
                buf[3] = 0;
                buf[4] = 1;
                buf[5] = (byte) (8 + rnd.nextInt(13));
                attacker.send(new DatagramPacket(buf, 1200, target));
            }
            SecretKey honest = SecretKey.generate();
            for (int i = 0; i < 500; i++) { // disco magic, a real sender key, then garbage or truncation
                byte[] p = DiscoPacket.seal(honest, server.id(),
                        new DiscoMessage.Ping(TransactionId.random(rnd), honest.publicKey()));
                int len = DiscoPacket.HEADER_LENGTH + rnd.nextInt(p.length - DiscoPacket.HEADER_LENGTH + 1);
                p[DiscoPacket.HEADER_LENGTH + rnd.nextInt(p.length - DiscoPacket.HEADER_LENGTH)] ^= (byte) (1 + rnd.nextInt(255));
                attacker.send(new DatagramPacket(p, len, target));
            }
            for (int i = 0; i < 300; i++) { // well-formed Pings from 300 keys, one source: rate-limited
                SecretKey k = SecretKey.fromBytes(Pattern.bytes(i, 32));
                byte[] p = DiscoPacket.seal(k, server.id(), new DiscoMessage.Ping(TransactionId.random(rnd), k.publicKey()));
                attacker.send(new DatagramPacket(p, p.length, target));
            }

            // a real client still gets through and is served
            Connection c = client.connect(server.addr(), EndpointTest.ECHO);
            byte[] data = Pattern.bytes(3, 200_000);
            BiStream s = c.openBi();
            s.send().writeAll(data);
            s.send().finish();
            assertArrayEquals(data, s.recv().readToEnd(data.length));

            DiscoStats d = server.discoStats();
            assertTrue(d.invalid() > 0, d.toString());
            assertTrue(d.rateLimited() > 0, "the flood hit the per-source budget: " + d);
            assertTrue(d.pingsIn() < 300, "not every Ping of the flood was answered: " + d);

            // a fresh source gets its own budget: its Pings are answered with Pongs, up to the burst
            try (DatagramSocket pinger = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                pinger.setReceiveBufferSize(1 << 20);
                for (int i = 0; i < 40; i++) {
                    SecretKey k = SecretKey.fromBytes(Pattern.bytes(1000 + i, 32));
                    byte[] p = DiscoPacket.seal(k, server.id(),
                            new DiscoMessage.Ping(TransactionId.random(rnd), k.publicKey()));
                    pinger.send(new DatagramPacket(p, p.length, target));
                }
                pinger.setSoTimeout(1000);
                DatagramPacket reply = new DatagramPacket(new byte[1500], 1500);
                int pongs = 0;
                try {
                    while (true) {
                        pinger.receive(reply);
                        byte[] got = java.util.Arrays.copyOf(reply.getData(), reply.getLength());
                        // sealed to one of our 40 keys, from the server, naming the address we sent from
                        DiscoPacket.Received r = null;
                        for (int i = 0; i < 40 && r == null; i++) {
                            try {
                                r = DiscoPacket.open(SecretKey.fromBytes(Pattern.bytes(1000 + i, 32)), got);
                            } catch (com.kafkaconnectiroh.p2p.endpoint.disco.DiscoException notForThisKey) {
                                // try the next
                            }
                        }
                        assertTrue(r != null, "a Pong none of our keys opens");
                        assertEquals(server.id(), r.sender());
                        DiscoMessage.Pong pong = (DiscoMessage.Pong) r.message();
                        assertEquals(new SendAddr.Udp((InetSocketAddress) pinger.getLocalSocketAddress()),
                                pong.pingObservedAddr());
                        pongs++;
                    }
                } catch (java.net.SocketTimeoutException drained) {
                    // everything the endpoint sent has arrived
                }
                DiscoStats after = server.discoStats();
                assertEquals(after.pingsIn() - d.pingsIn(), pongs, "one Pong per answered Ping: " + after);
                assertTrue(pongs > 0 && pongs < 40, "some answered, the source and new-key budgets cap the rest: "
                        + pongs);
                assertTrue(after.rateLimited() > d.rateLimited(), after.toString());
            }
            assertEquals(1, server.alpns().size());
        }
    }
}
