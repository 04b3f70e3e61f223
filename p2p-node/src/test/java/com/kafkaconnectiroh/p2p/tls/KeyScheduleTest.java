package com.kafkaconnectiroh.p2p.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.crypto.Hkdf;
import org.junit.jupiter.api.Test;

/** The key schedule against published intermediate values. */
class KeyScheduleTest {
    static byte[] hex(String s) {
        return Hex.decode(s.replace(" ", ""));
    }

    /** RFC 9001 Appendix A.1: QUIC v1 Initial secrets for DCID 0x8394c8f03e515708 prove HKDF-Expand-Label. */
    @Test
    void quicInitialSecretsOfRfc9001AppendixA1() {
        byte[] salt = hex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
        byte[] dcid = hex("8394c8f03e515708");
        Hkdf h = Hkdf.SHA256;
        byte[] initial = h.extract(salt, dcid);
        assertArrayEquals(hex("7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44"), initial);
        byte[] client = h.expandLabel(initial, "client in", new byte[0], 32);
        assertArrayEquals(hex("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea"), client);
        byte[] server = h.expandLabel(initial, "server in", new byte[0], 32);
        assertArrayEquals(hex("3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b"), server);
        assertArrayEquals(hex("1f369613dd76d5467730efcbe3b1a22d"), h.expandLabel(client, "quic key", null, 16));
        assertArrayEquals(hex("fa044b2f42a3fd3b46fb255c"), h.expandLabel(client, "quic iv", null, 12));
        assertArrayEquals(hex("9f50449e04a0e810283a1e9933adedd2"), h.expandLabel(client, "quic hp", null, 16));
        assertArrayEquals(hex("cf3a5331653c364c88f0f379b6067e37"), h.expandLabel(server, "quic key", null, 16));
        assertArrayEquals(hex("0ac1493ca1905853b0bba03e"), h.expandLabel(server, "quic iv", null, 12));
        assertArrayEquals(hex("c206b8d9b9f0f37644430b490eeaa314"), h.expandLabel(server, "quic hp", null, 16));
    }

    /**
     * RFC 8448 §3 (Simple 1-RTT Handshake, TLS_AES_128_GCM_SHA256): X25519 agreement, then every secret of the
     * schedule from the published transcript hashes.
     */
    @Test
    void tls13ScheduleOfRfc8448Section3() {
        byte[] clientPrivate = hex("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005");
        byte[] serverPublic = hex("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f");
        byte[] shared = X25519KeyShare.agree(clientPrivate, serverPublic);
        assertArrayEquals(hex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d"), shared);

        KeySchedule ks = new KeySchedule(CipherSuite.TLS_AES_128_GCM_SHA256);
        assertArrayEquals(hex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a"), ks.earlySecret());
        byte[] helloHash = hex("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8");
        ks.deriveHandshakeSecrets(shared, helloHash);
        assertArrayEquals(hex("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac"), ks.handshakeSecret());
        assertArrayEquals(hex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21"), ks.clientHandshakeSecret());
        assertArrayEquals(hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38"), ks.serverHandshakeSecret());
        assertArrayEquals(hex("18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919"), ks.masterSecret());

        byte[] serverFinishedHash = hex("9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13");
        ks.deriveApplicationSecrets(serverFinishedHash);
        assertArrayEquals(hex("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5"), ks.clientApplicationSecret());
        assertArrayEquals(hex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643"), ks.serverApplicationSecret());

        // finished_key for the server (RFC 8448 §3 "derive secret "tls13 finished"").
        assertArrayEquals(hex("008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8"),
                ks.hkdf().expandLabel(ks.serverHandshakeSecret(), "finished", null, 32));
        assertArrayEquals(hex("3fce516009c21727d0f2e4e86ee403bc"), ks.hkdf().expandLabel(ks.serverHandshakeSecret(), "key", null, 16));
        assertArrayEquals(hex("5d313eb2671276ee13000b30"), ks.hkdf().expandLabel(ks.serverHandshakeSecret(), "iv", null, 12));
    }

    @Test
    void smallOrderX25519PeerKeyYieldsNoSecret() {
        byte[] priv = hex("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005");
        assertNull(X25519KeyShare.agree(priv, new byte[32]));
        byte[] one = new byte[32];
        one[0] = 1;
        assertNull(X25519KeyShare.agree(priv, one));
    }

    @Test
    void sha384SuiteUses48ByteSecrets() {
        KeySchedule ks = new KeySchedule(CipherSuite.TLS_AES_256_GCM_SHA384);
        ks.deriveHandshakeSecrets(new byte[32], new byte[48]);
        ks.deriveApplicationSecrets(new byte[48]);
        assertEquals(48, ks.clientHandshakeSecret().length);
        assertEquals(48, ks.serverApplicationSecret().length);
        assertEquals(48, ks.finishedVerifyData(ks.serverHandshakeSecret(), new byte[48]).length);
    }
}
