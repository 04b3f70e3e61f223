package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoDecodeException;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoDecoder;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEncoder;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEvent;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.bao.Outboard;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;

/** A download without a network: a provider's response, as BaoEncoder makes it, fed through a BaoDecoder into a writer. */
final class LocalTransfer {
    private LocalTransfer() {}

    static byte[] data(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The response to {@code ranges} of {@code data}. */
    static byte[] response(byte[] data, ChunkRanges ranges) throws IOException {
        return BaoEncoder.encode(data, Outboard.compute(data), ranges);
    }

    /**
     * Feeds the first {@code limit} bytes of {@code response} (in pieces of {@code piece}) for {@code ranges} into
     * {@code w}; returns the decoder, which fails as soon as a bad item arrives.
     */
    static BaoDecoder feed(PartialBlob w, Hash hash, ChunkRanges ranges, byte[] response, int limit, int piece)
            throws IOException, BaoDecodeException {
        BaoDecoder d = new BaoDecoder(hash.toBytes(), ranges);
        for (int pos = 0; pos < limit; pos += piece) {
            ByteBuffer in = ByteBuffer.wrap(response, pos, Math.min(piece, limit - pos));
            for (BaoEvent e; (e = d.feed(in)) != null; ) {
                w.write(e);
            }
        }
        return d;
    }

    /** The first {@code fraction} of an honest response for all of {@code data}, as a download cut short gets it. */
    static void feedPart(PartialBlob w, byte[] data, double fraction) throws IOException, BaoDecodeException {
        byte[] resp = response(data, ChunkRanges.all());
        feed(w, w.hash(), ChunkRanges.all(), resp, (int) (resp.length * fraction), 8192);
    }

    /** A whole, honest transfer of what {@code w} is missing. */
    static void completeFrom(PartialBlob w, byte[] data) throws IOException, BaoDecodeException {
        ChunkRanges missing = w.missing();
        byte[] resp = response(data, missing);
        BaoDecoder d = feed(w, w.hash(), missing, resp, resp.length, 7919);
        d.finish();
    }
}
