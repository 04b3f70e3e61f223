package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import java.util.Objects;

/**
 * What live sync broadcasts on a document's gossip topic (the topic id is the namespace id): iroh-docs
 * {@code engine/live.rs::Op}, postcard {@code Put(SignedEntry)=0 | ContentReady(Hash)=1 |
 * SyncReport{namespace[32], heads: bytes}=2}, where {@code heads} is an encoded {@link AuthorHeads}.
 */
public sealed interface Op permits Op.Put, Op.ContentReady, Op.SyncReport {
    /** A new entry, broadcast by whoever inserted it locally. */
    record Put(SignedEntry entry) implements Op {
        public Put {
            Objects.requireNonNull(entry, "entry");
        }
    }

    /** The sender now holds this content (told to direct neighbors after a download). */
    record ContentReady(Hash hash) implements Op {
        public ContentReady {
            Objects.requireNonNull(hash, "hash");
        }
    }

    /** After a sync that brought news: the heads received, so that neighbors lacking them sync with us. */
    record SyncReport(NamespaceId namespace, byte[] heads) implements Op {
        public SyncReport {
            Objects.requireNonNull(namespace, "namespace");
            heads = heads.clone();
        }

        @Override
        public byte[] heads() {
            return heads.clone();
        }
    }

    default byte[] encode() {
        PostcardWriter w = new PostcardWriter(256);
        if (this instanceof Put p) {
            w.variant(0);
            p.entry().writeTo(w);
        } else if (this instanceof ContentReady c) {
            w.variant(1).raw(c.hash().toBytes());
        } else {
            SyncReport s = (SyncReport) this;
            w.variant(2).raw(s.namespace().toBytes()).bytes(s.heads);
        }
        return w.toByteArray();
    }

    static Op decode(byte[] bytes) throws PostcardException {
        PostcardReader r = new PostcardReader(bytes);
        int v = r.variant();
        Op op = switch (v) {
            case 0 -> new Put(SignedEntry.readFrom(r));
            case 1 -> new ContentReady(Hash.fromBytes(r.raw(Hash.LENGTH)));
            case 2 -> new SyncReport(NamespaceId.wrap(r.raw(KeyBytes.LENGTH)), r.bytes());
            default -> throw new PostcardException("unknown docs gossip op " + v);
        };
        r.expectEnd();
        return op;
    }
}
