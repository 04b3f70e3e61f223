package com.kafkaconnectiroh.p2p.discovery.dht;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A BEP 44 mutable item: an Ed25519 key {@code k}, optional {@code salt} (≤ 64 bytes), sequence number {@code seq},
 * a value {@code v} (any bencode value, ≤ 1000 bytes, see {@link #valueSize}; kept here in its encoded form, {@link #encodedValue})
 * and the signature over {@link #signable}. Stored under target SHA-1(k ‖ salt). Built only verified
 * ({@link #verified}) or freshly signed ({@link #sign}).
 */
public final class MutableItem {
    public static final int MAX_VALUE_BYTES = 1000;
    public static final int MAX_SALT_BYTES = 64;

    private final EndpointId key;
    private final byte[] salt;
    private final long seq;
    private final byte[] encodedValue;
    private final byte[] sig;

    private MutableItem(EndpointId key, byte[] salt, long seq, byte[] encodedValue, byte[] sig) {
        this.key = key;
        this.salt = salt;
        this.seq = seq;
        this.encodedValue = encodedValue;
        this.sig = sig;
    }

    /** Signs byte string {@code value} under {@code secret}'s key. */
    public static MutableItem sign(SecretKey secret, byte[] salt, long seq, byte[] value) {
        byte[] v = Bencode.encode(value);
        if (valueSize(v) > MAX_VALUE_BYTES || salt.length > MAX_SALT_BYTES) {
            throw new IllegalArgumentException("BEP 44 allows v ≤ " + MAX_VALUE_BYTES + " and salt ≤ " + MAX_SALT_BYTES
                    + " bytes, got " + value.length + " and " + salt.length);
        }
        return new MutableItem(secret.publicKey(), salt.clone(), seq, v, secret.sign(signable(salt, seq, v)));
    }

    /** Checks sizes, key and signature; the error codes are BEP 44's (205, 207, 206). */
    static MutableItem verified(byte[] k, byte[] salt, long seq, byte[] encodedValue, byte[] sig) throws KrpcError {
        if (valueSize(encodedValue) > MAX_VALUE_BYTES) {
            throw new KrpcError(205, "message (v field) too big");
        }
        if (salt.length > MAX_SALT_BYTES) {
            throw new KrpcError(207, "salt (salt field) too big");
        }
        EndpointId key;
        try {
            key = EndpointId.fromBytes(k);
        } catch (IllegalArgumentException e) {
            throw new KrpcError(206, "invalid signature");
        }
        if (sig.length != 64 || !key.verify(signable(salt, seq, encodedValue), sig)) {
            throw new KrpcError(206, "invalid signature");
        }
        return new MutableItem(key, salt.clone(), seq, encodedValue.clone(), sig.clone());
    }

    /**
     * The size the 1000-byte limit applies to: a byte string's own length (as Rust mainline and bittorrent-dht
     * measure it, so a full 1000-byte pkarr DNS packet fits), any other value's encoded length.
     */
    static int valueSize(byte[] encodedValue) {
        if (encodedValue.length > 0 && encodedValue[0] >= '0' && encodedValue[0] <= '9') {
            for (int i = 1; i < encodedValue.length; i++) {
                if (encodedValue[i] == ':') {
                    return encodedValue.length - i - 1;
                }
            }
        }
        return encodedValue.length;
    }

    /** BEP 44's signable: {@code [4:salt<len>:<salt>]3:seqi<seq>e1:v<bencoded v>}. */
    static byte[] signable(byte[] salt, long seq, byte[] encodedValue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encodedValue.length + 40);
        if (salt.length > 0) {
            out.writeBytes(("4:salt" + salt.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(salt);
        }
        out.writeBytes(("3:seqi" + seq + "e1:v").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(encodedValue);
        return out.toByteArray();
    }

    public static Id20 target(EndpointId key, byte[] salt) {
        return Id20.sha1(key.toBytes(), salt);
    }

    public Id20 target() {
        return target(key, salt);
    }

    public EndpointId key() {
        return key;
    }

    public byte[] salt() {
        return salt.clone();
    }

    public long seq() {
        return seq;
    }

    public byte[] encodedValue() {
        return encodedValue.clone();
    }

    /** The value if it is a byte string (as pkarr's DNS packet is), else null. */
    public byte[] valueBytes() {
        try {
            return Bencode.decode(encodedValue) instanceof byte[] b ? b : null;
        } catch (BencodeException e) {
            return null;
        }
    }

    public byte[] signature() {
        return sig.clone();
    }

    boolean sameValue(MutableItem other) {
        return java.util.Arrays.equals(encodedValue, other.encodedValue);
    }
}
