package com.kafkaconnectiroh.p2p.quic.protection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.crypto.Hkdf;
import com.kafkaconnectiroh.p2p.quic.packet.PacketHeader;
import com.kafkaconnectiroh.p2p.quic.packet.PacketNumber;
import com.kafkaconnectiroh.p2p.quic.packet.PacketType;
import com.kafkaconnectiroh.p2p.tls.CipherSuite;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The sample packets of RFC 9001 Appendix A, protected and unprotected with our code. */
class Rfc9001VectorsTest {
    private static final byte[] DCID = Hex.decode("8394c8f03e515708");

    // RFC 9001 §A.2: the client's CRYPTO frame (padded to 1162 bytes) and the whole protected packet
    private static final String CLIENT_CRYPTO_FRAME =
            "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e86804fe3a47f06a2b69484c000004130113" +
            "02010000c000000010000e00000b6578616d706c652e636f6dff01000100000a00080006001d00170018001000070005" +
            "04616c706e000500050100000000003300260024001d00209370b2c9caa47fbabaf4559fedba753de171fa71f50f1ce1" +
            "5d43e994ec74d748002b0003020304000d0010000e0403050306030203080408050806002d00020101001c0002400100" +
            "3900320408ffffffffffffffff05048000ffff07048000ffff0801100104800075300901100f088394c8f03e51570806" +
            "048000ffff";
    private static final String CLIENT_PROTECTED =
            "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11d242b123dc9bd8bab936b47d92ec356c" +
            "0bab7df5976d27cd449f63300099f3991c260ec4c60d17b31f8429157bb35a1282a643a8d2262cad67500cadb8e7378c" +
            "8eb7539ec4d4905fed1bee1fc8aafba17c750e2c7ace01e6005f80fcb7df621230c83711b39343fa028cea7f7fb5ff89" +
            "eac2308249a02252155e2347b63d58c5457afd84d05dfffdb20392844ae812154682e9cf012f9021a6f0be17ddd0c208" +
            "4dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec4e15daf8500a6ef69ec4e3feb6b1d98e" +
            "610ac8b7ec3faf6ad760b7bad1db4ba3485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e30c5c4287e53805db" +
            "059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c7b4378e846d29f37ed7b4ea9ec5d82e7" +
            "961b7f25a9323851f681d582363aa5f89937f5a67258bf63ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556" +
            "be52afe3f565636ad1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c7468449a13d8e3b95811a198f3491de3e7" +
            "fe942b330407abf82a4ed7c1b311663ac69890f4157015853d91e923037c227a33cdd5ec281ca3f79c44546b9d90ca00" +
            "f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c4819e8b9c5927726632291d6a418211cc2962e20fe47feb3edf" +
            "330f2c603a9d48c0fcb5699dbfe5896425c5bac4aee82e57a85aaf4e2513e4f05796b07ba2ee47d80506f8d2c25e50fd" +
            "14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ffef132eef2fa09346aee33c28eb130ff2" +
            "8f5b766953334113211996d20011a198e3fc433f9f2541010ae17c1bf202580f6047472fb36857fe843b19f5984009dd" +
            "c324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73203a4a13e96f5432ec0fd4a1ee65accd" +
            "d5e3904df54c1da510b0ff20dcc0c77fcb2c0e0eb605cb0504db87632cf3d8b4dae6e705769d1de354270123cb11450e" +
            "fc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d069fc33bd801b03adea2e1fbc5aa463d08ca19896d2bf59a07" +
            "1b851e6c239052172f296bfb5e72404790a2181014f3b94a4e97d117b438130368cc39dbb2d198065ae3986547926cd2" +
            "162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f440591f355e12d439ff150aab7613499d" +
            "bd49adabc8676eef023b15b65bfc5ca06948109f23f350db82123535eb8a7433bdabcb909271a6ecbcb58b936a88cd4e" +
            "8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0be79e2fb8f5d5fbbe2e30ecadd220723" +
            "c8c0aea8078cdfcb3868263ff8f0940054da48781893a7e49ad5aff4af300cd804a6b6279ab3ff3afb64491c85194aab" +
            "760d58a606654f9f4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9f96f3ca9ec1dde434da7d2d392b905dd" +
            "f3d1f9af93d1af5950bd493f5aa731b4056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd4684064" +
            "7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241e221af44860018ab0856972e194cd934";
    // RFC 9001 §A.3
    private static final String SERVER_PAYLOAD =
            "02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf73988cfc79825df566dc5430b9a045a1200" +
            "130100002e00330024001d00209d3c940d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00" +
            "020304";
    private static final String SERVER_PROTECTED =
            "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a5816b6394100f37a1c69797554780bb3" +
            "8cc5a99f5ede4cf73c3ec2493a1839b3dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84" +
            "022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc42158407dd074ee";

    @Test
    void initialSecretsMatchAppendixA1() {
        byte[][] s = InitialSecrets.secrets(DCID);
        assertEquals("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea", Hex.encode(s[0]));
        assertEquals("3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b", Hex.encode(s[1]));
        Hkdf h = Hkdf.SHA256;
        assertEquals("1f369613dd76d5467730efcbe3b1a22d", Hex.encode(h.expandLabel(s[0], "quic key", null, 16)));
        assertEquals("fa044b2f42a3fd3b46fb255c", Hex.encode(h.expandLabel(s[0], "quic iv", null, 12)));
        assertEquals("9f50449e04a0e810283a1e9933adedd2", Hex.encode(h.expandLabel(s[0], "quic hp", null, 16)));
        assertEquals("cf3a5331653c364c88f0f379b6067e37", Hex.encode(h.expandLabel(s[1], "quic key", null, 16)));
        assertEquals("0ac1493ca1905853b0bba03e", Hex.encode(h.expandLabel(s[1], "quic iv", null, 12)));
        assertEquals("c206b8d9b9f0f37644430b490eeaa314", Hex.encode(h.expandLabel(s[1], "quic hp", null, 16)));
    }

    /** Protects header+payload the way the connection does: seal, then mask first byte and packet number. */
    private static byte[] protect(DirectionalKeys keys, byte[] header, int pnLen, long pn, byte[] payload) {
        byte[] out = new byte[header.length + payload.length + 16];
        System.arraycopy(header, 0, out, 0, header.length);
        keys.packet().seal(pn, header, 0, header.length, payload, 0, payload.length, out, header.length);
        int pnOff = header.length - pnLen;
        byte[] mask = new byte[5];
        keys.header().mask(out, pnOff + 4, mask);
        out[0] ^= (byte) (mask[0] & ((out[0] & 0x80) != 0 ? 0x0f : 0x1f));
        for (int i = 0; i < pnLen; i++) {
            out[pnOff + i] ^= mask[1 + i];
        }
        return out;
    }

    @Test
    void clientInitialMatchesAppendixA2() {
        byte[] payload = new byte[1162];
        byte[] frame = Hex.decode(CLIENT_CRYPTO_FRAME);
        System.arraycopy(frame, 0, payload, 0, frame.length);
        byte[] header = Hex.decode("c300000001088394c8f03e5157080000449e00000002");
        byte[] pkt = protect(InitialSecrets.clientKeys(DCID), header, 4, 2, payload);
        assertEquals("c000000001088394c8f03e5157080000449e7b9aec34", Hex.encode(pkt, 0, 22));
        assertEquals(CLIENT_PROTECTED, Hex.encode(pkt));

        long[] pn = new long[1];
        byte[] back = PacketOpener.unprotect(InitialSecrets.clientKeys(DCID), Hex.decode(CLIENT_PROTECTED), -1, pn);
        assertEquals(2, pn[0]);
        assertArrayEquals(payload, back);
        PacketHeader h = new PacketHeader();
        assertTrue(h.parse(pkt, 0, pkt.length, 0));
        assertEquals(PacketType.INITIAL, h.type);
        assertEquals(1200, h.end);
    }

    @Test
    void packetSealerWritesTheAppendixPacketsByteForByte() {
        PacketSealer sealer = new PacketSealer();
        byte[] payload = new byte[1162];
        byte[] frame = Hex.decode(CLIENT_CRYPTO_FRAME);
        System.arraycopy(frame, 0, payload, 0, frame.length);
        byte[] out = new byte[1500];
        int n = sealer.sealLong(out, 0, PacketSealer.INITIAL, com.kafkaconnectiroh.p2p.quic.packet.ConnectionId.of(DCID),
                com.kafkaconnectiroh.p2p.quic.packet.ConnectionId.EMPTY, new byte[0], 2, 4, payload, payload.length,
                InitialSecrets.clientKeys(DCID));
        assertEquals(CLIENT_PROTECTED, Hex.encode(out, 0, n));

        byte[] server = Hex.decode(SERVER_PAYLOAD);
        n = sealer.sealLong(out, 0, PacketSealer.INITIAL, com.kafkaconnectiroh.p2p.quic.packet.ConnectionId.EMPTY,
                com.kafkaconnectiroh.p2p.quic.packet.ConnectionId.of(Hex.decode("f067a5502a4262b5")), new byte[0], 1, 2,
                server, server.length, InitialSecrets.serverKeys(DCID));
        assertEquals(SERVER_PROTECTED, Hex.encode(out, 0, n));

        CipherSuite suite = CipherSuite.TLS_CHACHA20_POLY1305_SHA256;
        DirectionalKeys keys = DirectionalKeys.fromSecret(suite,
                Hex.decode("9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b"));
        n = sealer.sealShort(out, 0, com.kafkaconnectiroh.p2p.quic.packet.ConnectionId.EMPTY, 0, 654360564L, 3,
                new byte[] {0x01}, 1, keys.packet(), keys.header());
        assertEquals("4cfe4189655e5cd55c41f69080575d7999c25a5bfb", Hex.encode(out, 0, n));
    }

    @Test
    void headerProtectionMaskMatchesAppendixA2() {
        byte[] mask = new byte[5];
        InitialSecrets.clientKeys(DCID).header().mask(Hex.decode("d1b1c98dd7689fb8ec11d242b123dc9b"), 0, mask);
        assertEquals("437b9aec36", Hex.encode(mask));
    }

    @Test
    void serverInitialMatchesAppendixA3() {
        byte[] header = Hex.decode("c1000000010008f067a5502a4262b50040750001");
        byte[] pkt = protect(InitialSecrets.serverKeys(DCID), header, 2, 1, Hex.decode(SERVER_PAYLOAD));
        assertEquals(SERVER_PROTECTED, Hex.encode(pkt));
        long[] pn = new long[1];
        byte[] back = PacketOpener.unprotect(InitialSecrets.serverKeys(DCID), pkt, 0, pn);
        assertEquals(1, pn[0]);
        assertEquals(SERVER_PAYLOAD, Hex.encode(back));
    }

    @Test
    void retryTagMatchesAppendixA4() {
        byte[] retry = Hex.decode("ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba");
        assertTrue(RetryIntegrity.verify(DCID, retry, 0, retry.length));
        byte[] tag = RetryIntegrity.computeTag(DCID, retry, 0, retry.length - 16);
        assertEquals("04a265ba2eff4d829058fb3f0f2496ba", Hex.encode(tag));
        byte[] bad = retry.clone();
        bad[10] ^= 1;
        assertFalse(RetryIntegrity.verify(DCID, bad, 0, bad.length));
        assertFalse(RetryIntegrity.verify(Hex.decode("8394c8f03e515709"), retry, 0, retry.length));
    }

    @Test
    void chachaShortHeaderMatchesAppendixA5() {
        CipherSuite suite = CipherSuite.TLS_CHACHA20_POLY1305_SHA256;
        byte[] secret = Hex.decode("9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b");
        assertEquals("1223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9",
                Hex.encode(DirectionalKeys.nextSecret(suite, secret)));
        DirectionalKeys keys = DirectionalKeys.fromSecret(suite, secret);
        long pn = 654360564L;
        byte[] header = Hex.decode("4200bff4");
        assertEquals(2, PacketNumber.encodedLength(pn, pn - 20000));
        assertEquals(3, PacketNumber.encodedLength(pn, pn - 40000));
        byte[] pkt = protect(keys, header, 3, pn, new byte[] {0x01});
        assertEquals("4cfe4189655e5cd55c41f69080575d7999c25a5bfb", Hex.encode(pkt));

        // and back: the mask from the sample, then the payload
        byte[] mask = new byte[5];
        keys.header().mask(pkt, 1 + 4, mask);
        assertEquals("aefefe7d03", Hex.encode(mask));
        byte[] b = pkt.clone();
        b[0] ^= (byte) (mask[0] & 0x1f);
        for (int i = 0; i < 3; i++) {
            b[1 + i] ^= mask[1 + i];
        }
        long full = PacketNumber.decode(pn - 1, PacketNumber.read(b, 1, 3), 24);
        assertEquals(pn, full);
        byte[] plain = new byte[1];
        assertEquals(1, keys.packet().open(full, b, 0, 4, b, 4, 17, plain, 0));
        assertEquals(1, plain[0]);
        assertEquals(1, keys.packet().open(full, b, 0, 4, b, 4, 17, plain, 0), "a duplicate packet opens again");
        // a duplicate (same sample) must unmask again without the JDK's nonce-reuse guard tripping
        keys.header().mask(pkt, 5, mask);
        assertEquals("aefefe7d03", Hex.encode(mask));
    }

    @Test
    void aes256KeysRoundTrip() {
        CipherSuite suite = CipherSuite.TLS_AES_256_GCM_SHA384;
        byte[] secret = new byte[48];
        Arrays.fill(secret, (byte) 7);
        DirectionalKeys k = DirectionalKeys.fromSecret(suite, secret);
        byte[] header = Hex.decode("41aabbccdd0001");
        byte[] pkt = protect(k, header, 2, 1, new byte[40]);
        byte[] b = pkt.clone();
        byte[] mask = new byte[5];
        k.header().mask(b, 5 + 4, mask);
        b[0] ^= (byte) (mask[0] & 0x1f);
        b[5] ^= mask[1];
        b[6] ^= mask[2];
        assertArrayEquals(header, Arrays.copyOf(b, 7));
        byte[] plain = new byte[64];
        assertEquals(40, k.packet().open(1, b, 0, 7, b, 7, b.length - 7, plain, 0));
        b[10] ^= 1;
        assertEquals(-1, k.packet().open(1, b, 0, 7, b, 7, b.length - 7, plain, 0));
    }
}
