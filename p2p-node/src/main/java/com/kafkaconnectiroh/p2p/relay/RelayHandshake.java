package com.kafkaconnectiroh.p2p.relay;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The relay's authentication handshake (IR {@code iroh-relay/src/protos/handshake.rs}): right after the WebSocket
 * upgrade the server sends a random 16-byte challenge; the client answers with its public key and an Ed25519
 * signature, not of the challenge itself but of a key derived from it with BLAKE3 (context
 * {@value #CHALLENGE_CONTEXT}), so a malicious relay cannot make a client sign bytes of its choosing; the server
 * verifies, applies its access rules and confirms or denies (with a reason). The key that authenticated is the
 * endpoint id that peers address datagrams to.
 *
 * <p>iroh also has a one-round-trip variant over TLS (a signature of TLS exported keying material in an HTTP
 * header, RFC 5705); a server that cannot verify it falls back to the challenge, which is what we do (the JDK's
 * TLS has no exporter), and a client without it is simply challenged, which is what we are.
 */
public final class RelayHandshake {
    static final String CHALLENGE_CONTEXT = "iroh-relay handshake v1 challenge signature";
    public static final int CHALLENGE_LENGTH = 16;
    public static final int SIGNATURE_LENGTH = 64;
    /** Type, key, the postcard length of the signature (64 as a one-byte varint) and the signature. */
    static final int CLIENT_AUTH_LENGTH = 1 + PeerKey.LENGTH + 1 + SIGNATURE_LENGTH;
    /** Longest deny reason sent (bytes); the rest is cut. */
    private static final int MAX_REASON = 1024;

    private RelayHandshake() {
    }

    /** What the client signs for {@code challenge}: BLAKE3 derive_key(context, challenge), 32 bytes. */
    static byte[] messageToSign(byte[] challenge) {
        return Blake3.newDeriveKeyHasher(CHALLENGE_CONTEXT).update(challenge).digest();
    }

    public static void writeServerChallenge(ByteBuf out, byte[] challenge) {
        out.writeByte(RelayFrames.SERVER_CHALLENGE);
        out.writeBytes(challenge);
    }

    /** The ClientAuth frame answering {@code challenge}. */
    public static void writeClientAuth(ByteBuf out, SecretKey key, byte[] challenge) {
        out.writeByte(RelayFrames.CLIENT_AUTH);
        out.writeBytes(key.publicKey().toBytes());
        out.writeByte(SIGNATURE_LENGTH); // postcard: byte string length as a varint
        out.writeBytes(key.sign(messageToSign(challenge)));
    }

    public static void writeConfirms(ByteBuf out) {
        out.writeByte(RelayFrames.SERVER_CONFIRMS_AUTH);
    }

    /** ServerDeniesAuth with a postcard String (varint length, UTF-8). */
    public static void writeDenies(ByteBuf out, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(r.length, MAX_REASON);
        out.writeByte(RelayFrames.SERVER_DENIES_AUTH);
        writeVarint(out, n);
        out.writeBytes(r, 0, n);
    }

    /**
     * The id a ClientAuth frame proves for {@code challenge}.
     *
     * @throws RelayException malformed, an invalid public key, or a signature that does not verify
     */
    public static EndpointId verifyClientAuth(ByteBuf buf, int index, int length, byte[] challenge) throws RelayException {
        if (length != CLIENT_AUTH_LENGTH || buf.getUnsignedByte(index + 1 + PeerKey.LENGTH) != SIGNATURE_LENGTH) {
            throw new RelayException("malformed ClientAuth frame (" + length + " bytes)");
        }
        byte[] key = new byte[PeerKey.LENGTH];
        buf.getBytes(index + 1, key);
        byte[] signature = new byte[SIGNATURE_LENGTH];
        buf.getBytes(index + 2 + PeerKey.LENGTH, signature);
        EndpointId id;
        try {
            id = EndpointId.fromBytes(key);
        } catch (IllegalArgumentException e) {
            throw new RelayException("ClientAuth carries an invalid public key");
        }
        if (!id.verify(messageToSign(challenge), signature)) {
            throw new RelayException("signature invalid");
        }
        return id;
    }

    /** The reason in a ServerDeniesAuth frame (lenient: a malformed one still denies). */
    public static String readDenyReason(ByteBuf buf, int index, int length) {
        int end = index + length;
        int at = index + 1;
        long n = 0;
        int shift = 0;
        while (at < end && shift < 35) {
            int b = buf.getUnsignedByte(at++);
            n |= (long) (b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        int len = (int) Math.min(n, end - at);
        return len <= 0 ? "(no reason given)" : buf.toString(at, len, StandardCharsets.UTF_8);
    }

    private static void writeVarint(ByteBuf out, int v) {
        while ((v & ~0x7F) != 0) {
            out.writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
    }
}
