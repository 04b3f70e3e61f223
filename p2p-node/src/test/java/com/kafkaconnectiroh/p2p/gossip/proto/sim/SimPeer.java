package com.kafkaconnectiroh.p2p.gossip.proto.sim;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerIdCodec;

/**
 * A simulated peer identity: a small integer. On the simulated wire it takes the same 32 bytes as an iroh
 * {@code PublicKey} (the id big-endian, then zeros), so message sizes match the real network.
 */
public record SimPeer(int id) implements Comparable<SimPeer> {

    public static final PeerIdCodec<SimPeer> CODEC = new PeerIdCodec<>() {
        @Override
        public void write(SimPeer p, PostcardWriter out) {
            byte[] b = new byte[32];
            b[0] = (byte) (p.id >>> 24);
            b[1] = (byte) (p.id >>> 16);
            b[2] = (byte) (p.id >>> 8);
            b[3] = (byte) p.id;
            out.raw(b);
        }

        @Override
        public SimPeer read(PostcardReader in) throws PostcardException {
            byte[] b = in.raw(32);
            for (int i = 4; i < 32; i++) {
                if (b[i] != 0) {
                    throw new PostcardException("not a simulated peer id");
                }
            }
            return new SimPeer((b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF));
        }

        @Override
        public int encodedSize(SimPeer id) {
            return 32;
        }

        @Override
        public int minEncodedSize() {
            return 32;
        }
    };

    @Override
    public int compareTo(SimPeer o) {
        return Integer.compare(id, o.id);
    }

    @Override
    public String toString() {
        return "n" + id;
    }
}
