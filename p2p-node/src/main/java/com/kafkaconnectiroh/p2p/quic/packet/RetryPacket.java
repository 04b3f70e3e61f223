package com.kafkaconnectiroh.p2p.quic.packet;

import com.kafkaconnectiroh.p2p.quic.protection.RetryIntegrity;
import java.util.random.RandomGenerator;

/** Retry packets (RFC 9000 §17.2.5) with their integrity tag (RFC 9001 §5.8). */
public final class RetryPacket {
    private RetryPacket() {
    }

    /** Builds a Retry to a client; {@code originalDcid} is the DCID of the client's Initial. Returns the length. */
    public static int write(byte[] out, int off, ConnectionId clientScid, ConnectionId newScid, byte[] token,
                            ConnectionId originalDcid, RandomGenerator random) {
        int p = off;
        out[p++] = (byte) (0xF0 | (random.nextInt() & 0x0F));
        out[p++] = 0;
        out[p++] = 0;
        out[p++] = 0;
        out[p++] = 1;
        out[p++] = (byte) clientScid.length();
        p = clientScid.writeTo(out, p);
        out[p++] = (byte) newScid.length();
        p = newScid.writeTo(out, p);
        System.arraycopy(token, 0, out, p, token.length);
        p += token.length;
        byte[] tag = RetryIntegrity.computeTag(originalDcid.toBytes(), out, off, p - off);
        System.arraycopy(tag, 0, out, p, tag.length);
        return p + tag.length - off;
    }
}
