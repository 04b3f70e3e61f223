package com.kafkaconnectiroh.p2p.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IrohServerNameTest {
    static final EndpointId ZERO_SEED_ID = SecretKey.fromBytes(new byte[32]).publicKey();

    /** iroh {@code tls/name.rs::test_snapshot}. */
    @Test
    void zeroSeedKeyEncodesAsIrohDoes() {
        assertEquals("3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29", ZERO_SEED_ID.toString());
        assertEquals("7dl2ff6emqi2qol3l382krodedij45bn3nh479hqo14a32qpr8kg.iroh.invalid", IrohServerName.encode(ZERO_SEED_ID));
    }

    @Test
    void roundTripsAndAcceptsUppercase() {
        Random r = new Random(1);
        for (int i = 0; i < 50; i++) {
            byte[] seed = new byte[32];
            r.nextBytes(seed);
            EndpointId id = SecretKey.fromBytes(seed).publicKey();
            String name = IrohServerName.encode(id);
            assertEquals(52 + ".iroh.invalid".length(), name.length());
            assertEquals(Optional.of(id), IrohServerName.decode(name));
            String upper = name.substring(0, 52).toUpperCase() + ".iroh.invalid";
            assertEquals(Optional.of(id), IrohServerName.decode(upper));
        }
    }

    @Test
    void rejectsOtherNames() {
        String good = IrohServerName.encode(ZERO_SEED_ID);
        for (String bad : new String[] {"localhost", "iroh.invalid", good.replace(".iroh.", ".x."), "a." + good,
                good.substring(1), good.replace('7', 'w'), good + ".", "", good.substring(0, 52)}) {
            assertEquals(Optional.empty(), IrohServerName.decode(bad), bad);
        }
        assertEquals(Optional.empty(), IrohServerName.decode(null));
    }

    @Test
    void rawPublicKeyIsTheEd25519SpkiDer() throws TlsException {
        byte[] spki = RawPublicKey.encode(ZERO_SEED_ID);
        assertEquals("302a300506032b6570032100" + ZERO_SEED_ID, Hex.encode(spki));
        assertEquals(ZERO_SEED_ID, RawPublicKey.decode(spki, "peer"));
        assertEquals("1.3.101.112", RawPublicKey.algorithmOid(spki));
        TlsException e = assertThrows(TlsException.class, () -> RawPublicKey.decode(new byte[44], "peer"));
        assertEquals(TlsAlert.BAD_CERTIFICATE, e.alert());
        assertTrue(e.getMessage().contains("44 bytes"), e.getMessage());
        assertArrayEquals(ZERO_SEED_ID.toBytes(), java.util.Arrays.copyOfRange(spki, 12, 44));
    }
}
