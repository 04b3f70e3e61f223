package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.Objects;

/**
 * What a replica may do with a document (iroh-docs {@code Capability}, DO@v0.35.0 {@code src/sync.rs}): write
 * (we hold the namespace secret) or only read and verify (we hold its id). Postcard: {@code Write=0} followed by
 * the secret as {@code bytes} ({@code 20 ‖ seed}), or {@code Read=1} followed by the 32 raw id bytes.
 */
public sealed interface Capability permits Capability.Write, Capability.Read {
    NamespaceId id();

    /** The namespace secret; empty for a read capability. */
    java.util.Optional<NamespaceSecret> secret();

    default boolean canWrite() {
        return this instanceof Write;
    }

    /** "write" or "read" (the CLI's {@code doc share} mode names). */
    default String kind() {
        return canWrite() ? "write" : "read";
    }

    /** The read capability for the same document. */
    default Capability readOnly() {
        return new Read(id());
    }

    /**
     * The stronger of the two for the same document: a read capability is upgraded by a write one (iroh's
     * {@code Capability::merge}).
     *
     * @throws IllegalArgumentException {@code other} is for another document
     */
    default Capability merge(Capability other) {
        if (!other.id().equals(id())) {
            throw new IllegalArgumentException("capability for " + other.id() + " cannot merge into " + id());
        }
        return canWrite() ? this : other;
    }

    record Write(NamespaceSecret namespaceSecret) implements Capability {
        public Write {
            Objects.requireNonNull(namespaceSecret, "secret");
        }

        @Override
        public NamespaceId id() {
            return namespaceSecret.id();
        }

        @Override
        public java.util.Optional<NamespaceSecret> secret() {
            return java.util.Optional.of(namespaceSecret);
        }

        @Override
        public String toString() {
            return "Write(" + id().fmtShort() + ")";
        }
    }

    record Read(NamespaceId namespace) implements Capability {
        public Read {
            Objects.requireNonNull(namespace, "namespace");
        }

        @Override
        public NamespaceId id() {
            return namespace;
        }

        @Override
        public java.util.Optional<NamespaceSecret> secret() {
            return java.util.Optional.empty();
        }
    }

    default void writeTo(PostcardWriter w) {
        if (this instanceof Write wr) {
            w.variant(0).bytes(wr.namespaceSecret().toBytes());
        } else {
            w.variant(1).raw(id().bytes());
        }
    }

    static Capability readFrom(PostcardReader r) throws PostcardException {
        int v = r.variant();
        switch (v) {
            case 0 -> {
                byte[] seed = r.bytes();
                if (seed.length != KeyBytes.LENGTH) {
                    throw new PostcardException("namespace secret must be 32 bytes, got " + seed.length);
                }
                return new Write(NamespaceSecret.fromBytes(seed));
            }
            case 1 -> {
                return new Read(NamespaceId.wrap(r.raw(KeyBytes.LENGTH)));
            }
            default -> throw new PostcardException("unknown capability variant " + v);
        }
    }
}
