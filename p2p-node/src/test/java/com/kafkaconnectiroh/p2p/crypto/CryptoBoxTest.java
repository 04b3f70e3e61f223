package com.kafkaconnectiroh.p2p.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.Hex;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Expected values marked "libsodium" were computed with libsodium 1.0.18 (Debian libsodium23):
 * {@code crypto_sign_seed_keypair}, {@code crypto_sign_ed25519_{pk,sk}_to_curve25519},
 * {@code crypto_box_curve25519xchacha20poly1305_easy} and {@code _beforenm}.
 */
class CryptoBoxTest {
    private static final byte[] SEED_A = filled(1);
    private static final byte[] SEED_B = filled(2);
    private static final byte[] NONCE = sequence(24);

    @Test
    void hchacha20MatchesTheXChaChaDraftVector() {
        // draft-irtf-cfrg-xchacha-03 §2.2.1
        byte[] out = HChaCha20.derive(sequence(32), Hex.decode("000000090000004a0000000031415927"));
        assertEquals("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc", Hex.encode(out));
    }

    @Test
    void ed25519KeysConvertLikeLibsodium() {
        assertEquals("1b1b58dd50ea14b60da17b790cd02754d970c9bab864ebb3c0f3016fe51d3f57",
                Hex.encode(X25519.publicFromEd25519(Ed25519.publicKey(SEED_A))));
        assertEquals("58e86efb75fa4e2c410f46e16de9f6acae1a1703528651b69bc176c088bef36e", Hex.encode(X25519.secretFromEd25519Seed(SEED_A)));
        assertEquals("5bf55c73b82ebe22be80f3430667af570fae2556a6415e6b30d4065300aa947d",
                Hex.encode(X25519.publicFromEd25519(Ed25519.publicKey(new byte[32]))));
        assertEquals("5046adc1dba838867b2bbbfdd0c3423e58b57970b5267a90f57960924a87f156", Hex.encode(X25519.secretFromEd25519Seed(new byte[32])));
    }

    @Test
    void convertedSecretAndPublicKeysAgreeForRandomSeeds() {
        Random rnd = new Random(1);
        for (int i = 0; i < 50; i++) {
            byte[] seed = new byte[32];
            rnd.nextBytes(seed);
            assertArrayEquals(X25519.publicFromEd25519(Ed25519.publicKey(seed)), X25519.publicKey(X25519.secretFromEd25519Seed(seed)));
        }
    }

    @Test
    void identityPointMapsToZeroWhichAgreesOnNothing() {
        byte[] identity = new byte[32];
        identity[0] = 1; // y = 1
        assertArrayEquals(new byte[32], X25519.publicFromEd25519(identity));
        assertNull(CryptoBox.between(X25519.secretFromEd25519Seed(SEED_A), new byte[32]));
    }

    @Test
    void sealsLikeLibsodium() {
        CryptoBox ab = boxFromTo(SEED_A, SEED_B);
        assertEquals("444c705f98704dfa8dea064c419b89ea", Hex.encode(ab.seal(NONCE, new byte[0])));
        assertEquals("5e1a05d171221d0055aacf92031948f7f4f37376ada13c61f3195206d14271e1ae4ca89c7c7e9774aa2fed3cb52a8ba7bf232a69e3537e87",
                Hex.encode(ab.seal(NONCE, sequence(40))));
        // The box key itself: crypto_box_curve25519xchacha20poly1305_beforenm.
        CryptoBox fromKey = CryptoBox.fromSecretboxKey(Hex.decode("851df5f0065cd66a44b1ca90856bb09074074bd52f27de4ea00cae1a764d368a"));
        assertArrayEquals(ab.seal(NONCE, sequence(40)), fromKey.seal(NONCE, sequence(40)));
    }

    @Test
    void opensWhatTheOtherSideSealed() {
        Random rnd = new Random(2);
        CryptoBox ab = boxFromTo(SEED_A, SEED_B);
        CryptoBox ba = boxFromTo(SEED_B, SEED_A);
        for (int len : new int[] {0, 1, 31, 32, 33, 63, 64, 65, 200, 1500}) {
            byte[] msg = new byte[len];
            rnd.nextBytes(msg);
            byte[] nonce = new byte[24];
            rnd.nextBytes(nonce);
            byte[] sealed = ab.seal(nonce, msg);
            assertEquals(len + CryptoBox.TAG_LEN, sealed.length);
            assertArrayEquals(msg, ba.open(nonce, sealed), "length " + len);
        }
    }

    @Test
    void everySingleBitFlipIsDetected() {
        CryptoBox ab = boxFromTo(SEED_A, SEED_B);
        CryptoBox ba = boxFromTo(SEED_B, SEED_A);
        byte[] sealed = ab.seal(NONCE, sequence(46));
        for (int bit = 0; bit < sealed.length * 8; bit++) {
            byte[] t = sealed.clone();
            t[bit / 8] ^= (byte) (1 << (bit % 8));
            assertNull(ba.open(NONCE, t), "flipped bit " + bit);
        }
        for (int bit = 0; bit < NONCE.length * 8; bit++) {
            byte[] n = NONCE.clone();
            n[bit / 8] ^= (byte) (1 << (bit % 8));
            assertNull(ba.open(n, sealed), "flipped nonce bit " + bit);
        }
    }

    @Test
    void wrongKeysAndShortBoxesFail() {
        byte[] sealed = boxFromTo(SEED_A, SEED_B).seal(NONCE, sequence(10));
        assertNull(boxFromTo(filled(3), SEED_A).open(NONCE, sealed));
        CryptoBox ba = boxFromTo(SEED_B, SEED_A);
        for (int len = 0; len < sealed.length; len++) {
            assertNull(ba.open(NONCE, Arrays.copyOf(sealed, len)), "truncated to " + len);
        }
        assertNotNull(ba.open(NONCE, sealed));
    }

    @Test
    void openLeavesTheOutputUntouchedOnFailure() {
        byte[] sealed = boxFromTo(SEED_A, SEED_B).seal(NONCE, sequence(20));
        sealed[0] ^= 1;
        byte[] out = filled(0x5A);
        assertFalse(boxFromTo(SEED_B, SEED_A).open(NONCE, sealed, 0, sealed.length, out, 0));
        assertTrue(Arrays.equals(filled(0x5A), out));
    }

    private static CryptoBox boxFromTo(byte[] fromSeed, byte[] toSeed) {
        return CryptoBox.between(X25519.secretFromEd25519Seed(fromSeed), X25519.publicFromEd25519(Ed25519.publicKey(toSeed)));
    }

    static byte[] filled(int v) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) v);
        return b;
    }

    static byte[] sequence(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }
}
