package com.kafkaconnectiroh.p2p.endpoint.disco;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.LruMap;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.crypto.CryptoBox;
import com.kafkaconnectiroh.p2p.crypto.X25519;
import java.security.SecureRandom;
import java.util.Map;

/**
 * Seals and opens disco packets for one local endpoint, keeping the per-peer box keys (one X25519 each) in a
 * bounded least-recently-used cache, as iroh 0.35's magicsock {@code DiscoSecrets} does. Thread-safe.
 *
 * <p>The X25519 secret is derived from the Ed25519 seed like libsodium's {@code crypto_sign_ed25519_sk_to_curve25519}
 * (clamped, not reduced mod ℓ). iroh reduces it mod ℓ; the two agree for every key in the prime-order subgroup,
 * which is every honestly generated key. A crafted key with a torsion component would fail to authenticate here.
 *
 * <p>What opening proves: the sender holds the secret of the header key <em>up to its sign</em>. The box key is
 * derived from the Montgomery u-coordinate, which A and −A share, so a captured packet re-framed with −A in the
 * header still opens (iroh 0.35 has the same property). Disco only steers path selection; identity is proven
 * by the TLS handshake.
 */
public final class DiscoSecrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey ours;
    private final byte[] ourX25519;
    private final byte[] ourIdBytes;
    private final Map<EndpointId, CryptoBox> boxes;

    public DiscoSecrets(SecretKey ours, int maxPeers) {
        if (maxPeers < 1) {
            throw new IllegalArgumentException("maxPeers must be at least 1, got " + maxPeers);
        }
        this.ours = ours;
        this.ourX25519 = X25519.secretFromEd25519Seed(ours.toBytes());
        this.ourIdBytes = ours.publicKey().toBytes();
        this.boxes = new LruMap<>(maxPeers);
    }

    public EndpointId endpointId() {
        return ours.publicKey();
    }

    public byte[] seal(EndpointId to, DiscoMessage message) {
        byte[] nonce = new byte[CryptoBox.NONCE_LEN];
        RANDOM.nextBytes(nonce);
        return seal(to, message, nonce);
    }

    /** Seals with a caller-chosen nonce (tests and deterministic simulations; a nonce must never repeat). */
    public byte[] seal(EndpointId to, DiscoMessage message, byte[] nonce) {
        if (nonce.length != CryptoBox.NONCE_LEN) {
            throw new IllegalArgumentException("disco nonce must be 24 bytes, got " + nonce.length);
        }
        CryptoBox box = boxFor(to);
        if (box == null) {
            throw new IllegalArgumentException("cannot agree a key with " + to + ": its X25519 form has small order");
        }
        byte[] plain = message.encode();
        byte[] out = new byte[DiscoPacket.HEADER_LENGTH + CryptoBox.TAG_LEN + plain.length + CryptoBox.NONCE_LEN];
        System.arraycopy(DiscoPacket.MAGIC, 0, out, 0, DiscoPacket.MAGIC_LENGTH);
        System.arraycopy(ourIdBytes, 0, out, DiscoPacket.MAGIC_LENGTH, EndpointId.LENGTH);
        box.seal(nonce, plain, 0, plain.length, out, DiscoPacket.HEADER_LENGTH);
        System.arraycopy(nonce, 0, out, out.length - CryptoBox.NONCE_LEN, CryptoBox.NONCE_LEN);
        return out;
    }

    /** Authenticates and decodes a datagram; see {@link DiscoPacket#open}. */
    public DiscoPacket.Received open(byte[] datagram, int off, int len) throws DiscoException {
        if (!DiscoPacket.looksLikeDisco(datagram, off, len)) {
            throw new DiscoException("not a disco packet: " + len + " bytes without the TS💬 magic and a sender key");
        }
        if (len < DiscoPacket.MIN_SEALED_LENGTH) {
            throw new DiscoException("disco packet of " + len + " bytes is too short to hold a box; need at least " + DiscoPacket.MIN_SEALED_LENGTH);
        }
        byte[] senderBytes = java.util.Arrays.copyOfRange(datagram, off + DiscoPacket.MAGIC_LENGTH, off + DiscoPacket.HEADER_LENGTH);
        EndpointId sender;
        try {
            sender = EndpointId.fromBytes(senderBytes);
        } catch (IllegalArgumentException e) {
            throw new DiscoException("disco sender key is invalid: " + e.getMessage());
        }
        CryptoBox box = boxFor(sender);
        if (box == null) {
            throw new DiscoException("disco sender key " + sender.fmtShort() + " has a small-order X25519 form");
        }
        int boxLen = len - DiscoPacket.HEADER_LENGTH - CryptoBox.NONCE_LEN;
        byte[] nonce = java.util.Arrays.copyOfRange(datagram, off + len - CryptoBox.NONCE_LEN, off + len);
        byte[] plain = new byte[boxLen - CryptoBox.TAG_LEN];
        if (!box.open(nonce, datagram, off + DiscoPacket.HEADER_LENGTH, boxLen, plain, 0)) {
            throw new DiscoException("disco packet from " + sender.fmtShort() + " failed authentication");
        }
        return new DiscoPacket.Received(sender, DiscoMessage.decode(plain));
    }

    public DiscoPacket.Received open(byte[] datagram) throws DiscoException {
        return open(datagram, 0, datagram.length);
    }

    private CryptoBox boxFor(EndpointId peer) {
        synchronized (boxes) {
            CryptoBox box = boxes.get(peer);
            if (box == null && !boxes.containsKey(peer)) {
                box = CryptoBox.between(ourX25519, X25519.publicFromEd25519(peer.toBytes()));
                boxes.put(peer, box);
            }
            return box;
        }
    }
}
