package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.relay.PeerKey;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The internal addresses of relay paths: stable per path, distinct, recognisable, bounded. */
class RelayAddressesTest {
    static final RelayUrl A = RelayUrl.parse("http://127.0.0.1:3340");
    static final RelayUrl B = RelayUrl.parse("https://relay.example");
    static final PeerKey P = PeerKey.of(SecretKey.generate().publicKey());
    static final PeerKey Q = PeerKey.of(SecretKey.generate().publicKey());

    @Test
    void onePathOneAddressBothWays() {
        RelayAddresses m = new RelayAddresses();
        InetSocketAddress ap = m.addressOf(new RelayAddresses.RelayPath(A, P));
        assertEquals(ap, m.addressOf(new RelayAddresses.RelayPath(A, P)));
        assertNotEquals(ap, m.addressOf(new RelayAddresses.RelayPath(A, Q)));
        assertNotEquals(ap, m.addressOf(new RelayAddresses.RelayPath(B, P)));
        assertEquals(new RelayAddresses.RelayPath(A, P), m.pathOf(ap));
        assertTrue(RelayAddresses.isRelayAddress(ap));
        assertEquals("[fd6b:6369:7270:1::1]:7", SocketAddrs.format(ap));
    }

    @Test
    void realAddressesAreNoRelayPaths() {
        RelayAddresses m = new RelayAddresses();
        for (String a : new String[] {"127.0.0.1:7", "[::1]:7", "[fd6b:6369:7270:1::1]:8", "[fd6b:6369:7270:2::1]:7"}) {
            InetSocketAddress s = SocketAddrs.parse(a);
            assertNull(m.pathOf(s), a);
        }
        assertFalse(RelayAddresses.isRelayAddress(SocketAddrs.parse("[fd6b:6369:7270:2::1]:7")));
    }

    @Test
    void theLeastRecentlyUsedPathIsForgottenBeyondTheBoundAndBothMapsAgree() {
        RelayAddresses m = new RelayAddresses();
        InetSocketAddress first = m.addressOf(new RelayAddresses.RelayPath(A, P));
        InetSocketAddress kept = m.addressOf(new RelayAddresses.RelayPath(B, P));
        for (int i = 0; i < RelayAddresses.MAX_PATHS - 1; i++) {
            m.pathOf(kept); // in use: traffic keeps it
            m.addressOf(new RelayAddresses.RelayPath(A, new PeerKey(i, 0, 0, 0)));
        }
        assertEquals(RelayAddresses.MAX_PATHS, m.size());
        assertNull(m.pathOf(first), "the idle path is forgotten");
        assertEquals(new RelayAddresses.RelayPath(B, P), m.pathOf(kept));
        InetSocketAddress again = m.addressOf(new RelayAddresses.RelayPath(A, P));
        assertNotEquals(first, again, "a forgotten path comes back under a new address");
        assertEquals(RelayAddresses.MAX_PATHS, m.size());
    }
}
