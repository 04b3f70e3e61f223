package com.kafkaconnectiroh.p2p.endpoint.disco;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.crypto.CryptoBox;

/**
 * Disco datagram framing of iroh 0.35 (IR@v0.35.0 {@code iroh/src/disco.rs::{MAGIC, encode_message,
 * source_and_box}}, {@code iroh/src/key.rs::SharedSecret::{seal, open}}):
 * <pre>
 * magic "TS💬" 54 53 F0 9F 92 AC ‖ sender Ed25519 key[32] ‖ tag[16] ‖ ciphertext ‖ nonce[24]
 * </pre>
 * The box is {@link CryptoBox} between the two endpoints' identity keys; the nonce is random and trails.
 * These static helpers compute the shared secret on every call; a long-lived endpoint uses {@link DiscoSecrets}.
 */
public final class DiscoPacket {
    public static final byte[] MAGIC = {0x54, 0x53, (byte) 0xF0, (byte) 0x9F, (byte) 0x92, (byte) 0xAC};
    public static final int MAGIC_LENGTH = MAGIC.length;
    /** Magic and sender key: the shortest datagram iroh classifies as disco. */
    public static final int HEADER_LENGTH = MAGIC_LENGTH + EndpointId.LENGTH;
    /** Header, tag, a 2-byte message header and the nonce: the shortest datagram that can open. */
    public static final int MIN_SEALED_LENGTH = HEADER_LENGTH + CryptoBox.TAG_LEN + 2 + CryptoBox.NONCE_LEN;

    private DiscoPacket() {
    }

    /** The demultiplexing test, as iroh's {@code looks_like_disco_wrapper}: at least 38 bytes and the magic. */
    public static boolean looksLikeDisco(byte[] datagram, int off, int len) {
        if (len < HEADER_LENGTH) {
            return false;
        }
        for (int i = 0; i < MAGIC_LENGTH; i++) {
            if (datagram[off + i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    public static boolean looksLikeDisco(byte[] datagram) {
        return looksLikeDisco(datagram, 0, datagram.length);
    }

    /** Seals a message from us to {@code to} with a fresh random nonce. */
    public static byte[] seal(SecretKey ours, EndpointId to, DiscoMessage message) {
        return new DiscoSecrets(ours, 1).seal(to, message);
    }

    /**
     * Opens a datagram addressed to us.
     *
     * @throws DiscoException if it is not disco, the sender key is invalid, the box does not authenticate, or the
     *     message does not decode
     */
    public static Received open(SecretKey ours, byte[] datagram) throws DiscoException {
        return new DiscoSecrets(ours, 1).open(datagram, 0, datagram.length);
    }

    /** An authenticated disco message and who sent it (the key in the header, which the box proved). */
    public record Received(EndpointId sender, DiscoMessage message) {
    }
}
