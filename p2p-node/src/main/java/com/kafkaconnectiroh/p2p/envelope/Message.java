package com.kafkaconnectiroh.p2p.envelope;

import java.util.Objects;

/** A gossip message as {@link EnvelopeCodec#decode} reads it. */
public sealed interface Message permits Message.Raw, Message.Full, Message.Indirect {

    /** Not an envelope: the bytes are the payload as they are. */
    record Raw(byte[] bytes) implements Message {
        public Raw {
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /** An envelope carried in the message itself. */
    record Full(Envelope envelope) implements Message {
        public Full {
            Objects.requireNonNull(envelope, "envelope");
        }
    }

    /**
     * The envelope was too large for a gossip message (long key or headers), so it is stored in a blob whose
     * content is an encoded {@link Full} envelope; fetch it and decode it with {@link EnvelopeCodec#decodeStored}.
     */
    record Indirect(BlobRef envelopeBlob) implements Message {
        public Indirect {
            Objects.requireNonNull(envelopeBlob, "envelopeBlob");
        }
    }
}
