package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.LruMap;
import com.kafkaconnectiroh.p2p.base.RateLimiter;
import com.kafkaconnectiroh.p2p.base.TokenBucket;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.endpoint.disco.DiscoException;
import com.kafkaconnectiroh.p2p.endpoint.disco.DiscoMessage;
import com.kafkaconnectiroh.p2p.endpoint.disco.DiscoPacket;
import com.kafkaconnectiroh.p2p.endpoint.disco.DiscoSecrets;
import com.kafkaconnectiroh.p2p.endpoint.disco.SendAddr;
import com.kafkaconnectiroh.p2p.endpoint.disco.TransactionId;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Just enough of iroh 0.35's disco (IR@v0.35.0 {@code iroh/src/magicsock.rs}, {@code magicsock/node_map}) for
 * direct UDP paths to work with 0.35 nodes. Loop-confined.
 *
 * <ul>
 * <li>A 0.35 node drops QUIC datagrams from an ip:port it has no node mapping for; a disco Ping from that
 * address creates the mapping. So every dial sends a Ping to each candidate address in the same flush as the
 * QUIC Initial, and when the Pong comes back while the handshake has heard nothing, the Initial is resent at
 * once rather than at the next PTO (the first one was most likely dropped). Unanswered dial pings are repeated
 * with back-off while the handshake has not progressed.</li>
 * <li>Every Ping is answered with a Pong carrying the address it came from: 0.35 pings back after our Ping,
 * and keeps a path alive with a heartbeat Ping every 5 s; without Pongs it abandons the path.</li>
 * <li>Work is rate-limited per source address and in total, and senders whose box key we do not hold yet (each
 * costs an X25519) have their own global budget.</li>
 * </ul>
 * Our identity key is our disco key; CallMeMaybe (only meaningful via a relay) is ignored.
 */
final class Disco {
    private static final Logger LOG = LoggerFactory.getLogger(Disco.class);
    private static final int MAX_SOURCES = 4096;
    private static final int MAX_KEYS = 1024;
    private static final int MAX_PENDING = 1024;
    private static final double SOURCE_BURST = 32;
    private static final double SOURCE_RATE = 16; // per second
    private static final double ALL_BURST = 2048; // every source together (spoofed sources each get a bucket)
    private static final double ALL_RATE = 1024;
    private static final double NEW_KEY_BURST = 64;
    private static final double NEW_KEY_RATE = 32;
    private static final long PING_TTL = TimeUnit.SECONDS.toNanos(20);
    private static final long FIRST_REPING = TimeUnit.MILLISECONDS.toNanos(300);
    private static final int MAX_REPINGS = 6;

    private record DialPing(EndpointId peer, InetSocketAddress to, Connection conn, long sentAt) {
    }

    private final Driver driver;
    private final DiscoSecrets secrets;
    private final EndpointId ourId;
    private final RateLimiter sources = new RateLimiter(SOURCE_BURST, SOURCE_RATE, ALL_BURST, ALL_RATE, MAX_SOURCES);
    private final Map<ByteBuffer, Boolean> knownKeys = new LruMap<>(MAX_KEYS);
    /** Where disco peers last spoke from: dialling one by id alone finds it there. */
    private final KnownAddresses known;
    private final HashMap<TransactionId, DialPing> pending = new HashMap<>();
    private TokenBucket newKeys;

    private long pingsIn;
    private long pongsIn;
    private long pingsOut;
    private long rateLimited;
    private long invalid;
    private long initialResends;

    Disco(Driver driver, SecretKey key, KnownAddresses known) {
        this.driver = driver;
        this.known = known;
        this.secrets = new DiscoSecrets(key, MAX_KEYS);
        this.ourId = key.publicKey();
    }

    void onDatagram(InetSocketAddress from, byte[] b) {
        long now = driver.now();
        if (!sources.tryAcquire(from, now)) {
            rateLimited++;
            return;
        }
        ByteBuffer key = ByteBuffer.wrap(b, DiscoPacket.MAGIC_LENGTH, EndpointId.LENGTH).slice();
        if (!knownKeys.containsKey(key)) {
            if (newKeys == null) {
                newKeys = new TokenBucket(NEW_KEY_BURST, NEW_KEY_RATE, now);
            }
            if (!newKeys.tryTake(now)) {
                rateLimited++;
                return;
            }
        }
        DiscoPacket.Received r;
        try {
            r = secrets.open(b, 0, b.length);
        } catch (DiscoException | RuntimeException e) {
            invalid++;
            LOG.debug("dropping disco datagram from {}: {}", from, e.getMessage());
            return;
        }
        knownKeys.put(key, Boolean.TRUE);
        if (r.message() instanceof DiscoMessage.Ping ping) {
            pingsIn++;
            known.heardFrom(r.sender(), from);
            driver.sendRaw(from, secrets.seal(r.sender(), new DiscoMessage.Pong(ping.txId(), new SendAddr.Udp(from))));
        } else if (r.message() instanceof DiscoMessage.Pong pong) {
            pongsIn++;
            DialPing d = pending.remove(pong.txId());
            if (d == null || !d.peer.equals(r.sender())) {
                return;
            }
            known.heardFrom(r.sender(), from);
            Connection c = d.conn;
            if (c.closeInfo() == null && c.quic.resendInitialNow()) {
                initialResends++;
                LOG.debug("Pong from {} at {}: resending the Initial now", r.sender().fmtShort(), from);
                driver.touch(c);
            }
        }
    }

    /** Pings {@code peer} at {@code to} for a dial; the caller flushes with the Initial. */
    void pingForDial(EndpointId peer, InetSocketAddress to, Connection c) {
        sendPing(peer, to, c);
        driver.schedule(() -> reping(peer, to, c, 1), FIRST_REPING);
    }

    private void reping(EndpointId peer, InetSocketAddress to, Connection c, int attempt) {
        if (c.closeInfo() != null || c.quic.isHandshakeComplete() || c.quic.stats().packetsReceived() > 0) {
            return;
        }
        sendPing(peer, to, c);
        driver.process();
        if (attempt < MAX_REPINGS) {
            driver.schedule(() -> reping(peer, to, c, attempt + 1), FIRST_REPING << attempt);
        }
    }

    private void sendPing(EndpointId peer, InetSocketAddress to, Connection c) {
        long now = driver.now();
        expire(now);
        if (pending.size() >= MAX_PENDING) {
            return;
        }
        TransactionId tx = TransactionId.random();
        pending.put(tx, new DialPing(peer, to, c, now));
        pingsOut++;
        driver.sendRaw(to, secrets.seal(peer, new DiscoMessage.Ping(tx, ourId)));
    }

    private void expire(long now) {
        if (pending.size() < 64) {
            return;
        }
        for (Iterator<DialPing> it = pending.values().iterator(); it.hasNext(); ) {
            if (now - it.next().sentAt > PING_TTL) {
                it.remove();
            }
        }
    }

    /** A dial attempt ended: its pending Pings no longer hold on to it (a Pong for them is ignored). */
    void forgetDial(Connection c) {
        pending.values().removeIf(d -> d.conn == c);
    }

    DiscoStats counters() {
        return new DiscoStats(pingsIn, pongsIn, pingsOut, initialResends, rateLimited, invalid);
    }

    String stats() {
        return "pingsIn=" + pingsIn + " pongsIn=" + pongsIn + " pingsOut=" + pingsOut + " initialResends="
                + initialResends + " rateLimited=" + rateLimited + " invalid=" + invalid;
    }
}
