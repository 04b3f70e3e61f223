package com.kafkaconnectiroh.p2p.discovery.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Write tokens live 5 to 10 minutes and bind to the IP; stored peers and items expire and are bounded. */
class TokensAndStorageTest {
    @Test
    void aTokenIsValidForItsIpUntilTwoRotationsLater() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        Tokens tokens = new Tokens(0);
        byte[] t = tokens.issue(a, 0);
        assertTrue(tokens.valid(t, a, 0));
        assertFalse(tokens.valid(t, b, 0), "bound to the IP it was issued to");
        assertTrue(tokens.valid(t, a, Tokens.ROTATE_MILLIS + 1), "the previous secret still counts");
        assertFalse(tokens.valid(t, a, 2 * Tokens.ROTATE_MILLIS + 2), "two rotations later it is stale");
        assertFalse(tokens.valid(null, a, 0));
    }

    @Test
    void peersAndItemsExpire() throws Exception {
        Storage s = new Storage(10, 10, 10);
        Id20 ih = Id20.random();
        InetSocketAddress p = new InetSocketAddress("192.0.2.1", 4000);
        s.addPeer(ih, p, 0);
        assertEquals(List.of(p), s.peers(ih, 50, Storage.PEER_TTL_MILLIS));
        assertEquals(List.of(), s.peers(ih, 50, Storage.PEER_TTL_MILLIS + 1));

        MutableItem item = MutableItem.sign(SecretKey.generate(), new byte[0], 1, new byte[] {1});
        s.put(item, null, 0);
        assertNotNull(s.item(item.target(), Storage.ITEM_TTL_MILLIS));
        assertNull(s.item(item.target(), Storage.ITEM_TTL_MILLIS + 1));
        // Once expired, a lower seq may be stored again (nothing is left to compare with).
        s.put(MutableItem.sign(SecretKey.generate(), new byte[0], 0, new byte[] {2}), null, Storage.ITEM_TTL_MILLIS + 2);
    }

    @Test
    void limitsHoldPerInfoHashAndOverall() throws Exception {
        Storage s = new Storage(3, 2, 3);
        for (int i = 0; i < 10; i++) {
            s.addPeer(Id20.random(), new InetSocketAddress("192.0.2.1", 1000 + i), 0);
        }
        assertEquals(3, s.infoHashCount());
        Id20 ih = Id20.random();
        for (int i = 0; i < 10; i++) {
            s.addPeer(ih, new InetSocketAddress("192.0.2.1", 2000 + i), i);
        }
        assertEquals(List.of(new InetSocketAddress("192.0.2.1", 2009), new InetSocketAddress("192.0.2.1", 2008)), s.peers(ih, 50, 10));
        for (int i = 0; i < 10; i++) {
            s.put(MutableItem.sign(SecretKey.generate(), new byte[0], 1, new byte[] {1}), null, 0);
        }
        assertEquals(3, s.itemCount());
    }
}
