package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.Objects;

/**
 * One message of the {@code /iroh-sync/1} stream (iroh-docs {@code net/codec.rs::Message}). On the stream each
 * is a frame: {@code u32 BE length ‖ postcard}. Postcard variants: {@code Init{namespace[32], message}=0} (the
 * dialer's first), {@code Sync(message)=1} (both sides, in turn), {@code Abort{reason}=2} (the acceptor declines).
 */
public sealed interface SyncFrame permits SyncFrame.Init, SyncFrame.Sync, SyncFrame.Abort {
    /** iroh's limit for one frame; our driver reads less by default (see docs/docs.md, "Limits"). */
    int IROH_MAX_FRAME_BYTES = 1 << 30;

    record Init(NamespaceId namespace, SyncMessage message) implements SyncFrame {
        public Init {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(message, "message");
        }
    }

    record Sync(SyncMessage message) implements SyncFrame {
        public Sync {
            Objects.requireNonNull(message, "message");
        }
    }

    record Abort(AbortReason reason) implements SyncFrame {
        public Abort {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The frame body (without the length prefix). */
    default byte[] encode() {
        PostcardWriter w = new PostcardWriter(this instanceof Init i0 ? i0.message().sizeHint()
                : this instanceof Sync s0 ? s0.message().sizeHint() : 8);
        if (this instanceof Init i) {
            w.variant(0).raw(i.namespace().toBytes());
            i.message().writeTo(w);
        } else if (this instanceof Sync s) {
            w.variant(1);
            s.message().writeTo(w);
        } else {
            w.variant(2).variant(((Abort) this).reason().ordinal());
        }
        return w.toByteArray();
    }

    /** Decodes a frame body; anything left over is an error (we and the peer disagree on the layout). */
    static SyncFrame decode(byte[] body) throws PostcardException {
        PostcardReader r = new PostcardReader(body);
        int v = r.variant();
        SyncFrame f = switch (v) {
            case 0 -> new Init(NamespaceId.wrap(r.raw(KeyBytes.LENGTH)), SyncMessage.readFrom(r));
            case 1 -> new Sync(SyncMessage.readFrom(r));
            case 2 -> {
                int reason = r.variant();
                if (reason >= AbortReason.values().length) {
                    throw new PostcardException("unknown abort reason " + reason);
                }
                yield new Abort(AbortReason.values()[reason]);
            }
            default -> throw new PostcardException("unknown sync message variant " + v);
        };
        r.expectEnd();
        return f;
    }
}
