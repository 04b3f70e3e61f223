package com.kafkaconnectiroh.p2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.Base32;
import com.kafkaconnectiroh.p2p.base.Bytes32;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.docs.proto.AuthorId;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * What every 32-byte value (base, blobs, gossip, docs) shares through {@link Bytes32}: texts, order, equality per
 * kind, immutability.
 */
class Bytes32Test {
    private static final byte[] B = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            B[i] = (byte) (0xF0 + i); // high bytes: unsigned order differs from signed
        }
    }

    @Test
    void everyKindPrintsTheSameHexAndShortForm() {
        String hex = Hex.encode(B);
        for (Bytes32<?> v : new Bytes32<?>[] {Hash.fromBytes(B), TopicId.of(B), NamespaceId.fromBytes(B), AuthorId.fromBytes(B)}) {
            assertEquals(hex, v.toString(), v.getClass().getSimpleName());
            assertEquals(hex, v.toHex());
            assertEquals(hex.substring(0, 10), v.fmtShort());
            assertEquals(Base32.STANDARD.encode(B), v.toBase32());
            assertArrayEquals(B, v.toBytes());
        }
        EndpointId id = SecretKey.generate().publicKey();
        assertEquals(Hex.encode(id.toBytes()), id.toString());
        assertEquals(id, EndpointId.parse(id.toBase32()), "an endpoint id parses its base32 form");
    }

    @Test
    void equalBytesOfDifferentKindsAreNotEqual() {
        assertEquals(NamespaceId.fromBytes(B), NamespaceId.fromBytes(B.clone()));
        assertEquals(NamespaceId.fromBytes(B).hashCode(), NamespaceId.fromBytes(B.clone()).hashCode());
        assertNotEquals(NamespaceId.fromBytes(B), AuthorId.fromBytes(B));
        assertNotEquals(Hash.fromBytes(B), TopicId.of(B));
    }

    @Test
    void orderIsUnsignedAndCopiesAreTheirOwn() {
        byte[] low = new byte[32];
        assertTrue(TopicId.of(low).compareTo(TopicId.of(B)) < 0, "0x00 sorts before 0xf0");
        byte[] given = B.clone();
        Hash h = Hash.fromBytes(given);
        given[0] = 0;
        h.toBytes()[1] = 0;
        assertArrayEquals(B, h.toBytes());
        byte[] into = new byte[40];
        h.copyTo(into, 8);
        assertTrue(h.equalsBytes(into, 8));
        assertArrayEquals(B, Arrays.copyOfRange(into, 8, 40));
    }

    @Test
    void lengthErrorsNameTheKind() {
        assertEquals("topic id must be 32 bytes, got 31",
                assertThrows(IllegalArgumentException.class, () -> TopicId.of(new byte[31])).getMessage());
        assertEquals("namespace id must be 32 bytes, got null",
                assertThrows(IllegalArgumentException.class, () -> NamespaceId.fromBytes(null)).getMessage());
        assertEquals("endpoint id must be 32 bytes, got 33",
                assertThrows(IllegalArgumentException.class, () -> EndpointId.fromBytes(new byte[33])).getMessage());
    }
}
