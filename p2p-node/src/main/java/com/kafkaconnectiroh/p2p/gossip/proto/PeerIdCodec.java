package com.kafkaconnectiroh.p2p.gossip.proto;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;

/**
 * How a peer identity is written inside gossip messages. The protocol is generic over the identity type; iroh
 * uses its {@code PublicKey}, 32 raw bytes that must be a valid Ed25519 point ({@link #ENDPOINT_ID}).
 */
public interface PeerIdCodec<P> {

    void write(P id, PostcardWriter out);

    /** Reads one identity; malformed or invalid ones are a {@link PostcardException}. */
    P read(PostcardReader in) throws PostcardException;

    /** Encoded size of {@code id} in bytes. */
    int encodedSize(P id);

    /** A lower bound on any identity's encoded size, used to reject hostile sequence lengths early. */
    int minEncodedSize();

    /** iroh's {@code PublicKey}/{@code EndpointId}: 32 raw bytes, decompression-checked like iroh does. */
    PeerIdCodec<EndpointId> ENDPOINT_ID = new PeerIdCodec<>() {
        @Override
        public void write(EndpointId id, PostcardWriter out) {
            out.raw(id.toBytes());
        }

        @Override
        public EndpointId read(PostcardReader in) throws PostcardException {
            byte[] b = in.raw(EndpointId.LENGTH);
            try {
                return EndpointId.fromBytes(b);
            } catch (IllegalArgumentException e) {
                throw new PostcardException("peer id " + Hex.encode(b) + " is not a valid Ed25519 public key");
            }
        }

        @Override
        public int encodedSize(EndpointId id) {
            return EndpointId.LENGTH;
        }

        @Override
        public int minEncodedSize() {
            return EndpointId.LENGTH;
        }
    };
}
