package com.kafkaconnectiroh.p2p.tls;

import com.kafkaconnectiroh.p2p.crypto.Hkdf;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The TLS 1.3 key schedule without PSK (RFC 8446 §7.1): early secret from zeros, handshake secret from the
 * (EC)DHE shared secret, master secret, and the four traffic secrets QUIC keys its packet protection with.
 */
final class KeySchedule {
    final CipherSuite suite;
    private final Hkdf hkdf;

    private byte[] handshakeSecret;
    private byte[] clientHandshakeSecret;
    private byte[] serverHandshakeSecret;
    private byte[] masterSecret;
    private byte[] clientApplicationSecret;
    private byte[] serverApplicationSecret;

    KeySchedule(CipherSuite suite) {
        this.suite = suite;
        this.hkdf = Hkdf.forHmac(suite.hmacAlgorithm);
    }

    Hkdf hkdf() {
        return hkdf;
    }

    /** Derive-Secret(secret, label, messages) given the transcript hash of the messages (RFC 8446 §7.1). */
    byte[] deriveSecret(byte[] secret, String label, byte[] transcriptHash) {
        return hkdf.expandLabel(secret, label, transcriptHash, suite.hashLength);
    }

    /** Hash of the empty string, the context of the "derived" steps. */
    static byte[] emptyHash(CipherSuite suite) {
        try {
            return MessageDigest.getInstance(suite.hashAlgorithm).digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(suite.hashAlgorithm + " unavailable", e);
        }
    }

    /** Derive-Secret(Early Secret, "derived", "") is a constant per hash without PSK; computed once per suite. */
    private static final byte[][] DERIVED_EARLY = new byte[CipherSuite.values().length][];
    private static final byte[][] EMPTY_HASH = new byte[CipherSuite.values().length][];

    static {
        for (CipherSuite s : CipherSuite.values()) {
            KeySchedule k = new KeySchedule(s);
            EMPTY_HASH[s.ordinal()] = emptyHash(s);
            DERIVED_EARLY[s.ordinal()] = k.deriveSecret(k.earlySecret(), "derived", EMPTY_HASH[s.ordinal()]);
        }
    }

    /** Early Secret = HKDF-Extract(0, 0) when no PSK is in use. */
    byte[] earlySecret() {
        return hkdf.extract(null, new byte[suite.hashLength]);
    }

    /**
     * From the shared secret and Transcript-Hash(ClientHello..ServerHello): the handshake traffic secrets, and the
     * master secret ready for {@link #deriveApplicationSecrets}.
     */
    void deriveHandshakeSecrets(byte[] sharedSecret, byte[] helloHash) {
        byte[] empty = EMPTY_HASH[suite.ordinal()];
        handshakeSecret = hkdf.extract(DERIVED_EARLY[suite.ordinal()], sharedSecret);
        clientHandshakeSecret = deriveSecret(handshakeSecret, "c hs traffic", helloHash);
        serverHandshakeSecret = deriveSecret(handshakeSecret, "s hs traffic", helloHash);
        byte[] derivedHandshake = deriveSecret(handshakeSecret, "derived", empty);
        masterSecret = hkdf.extract(derivedHandshake, new byte[suite.hashLength]);
    }

    /** From Transcript-Hash(ClientHello..server Finished): the application traffic secrets. */
    void deriveApplicationSecrets(byte[] serverFinishedHash) {
        clientApplicationSecret = deriveSecret(masterSecret, "c ap traffic", serverFinishedHash);
        serverApplicationSecret = deriveSecret(masterSecret, "s ap traffic", serverFinishedHash);
    }

    byte[] handshakeSecret() {
        return handshakeSecret;
    }

    byte[] masterSecret() {
        return masterSecret;
    }

    byte[] clientHandshakeSecret() {
        return clientHandshakeSecret;
    }

    byte[] serverHandshakeSecret() {
        return serverHandshakeSecret;
    }

    byte[] clientApplicationSecret() {
        return clientApplicationSecret;
    }

    byte[] serverApplicationSecret() {
        return serverApplicationSecret;
    }

    /** verify_data = HMAC(finished_key, transcript hash), finished_key from the sender's traffic secret (§4.4.4). */
    byte[] finishedVerifyData(byte[] trafficSecret, byte[] transcriptHash) {
        byte[] finishedKey = hkdf.expandLabel(trafficSecret, "finished", null, suite.hashLength);
        return hkdf.hmac(finishedKey, transcriptHash);
    }

    /** Constant-time comparison of a received Finished against the expected verify_data. */
    static boolean verifyDataMatches(byte[] expected, byte[] received) {
        return MessageDigest.isEqual(expected, received);
    }
}
