package com.kafkaconnectiroh.p2p.blobs.store;

import java.util.Objects;

/** Which tag keeps what an import or download made (iroh-blobs {@code SetTagOption}). */
public sealed interface TagOption {
    /** A fresh {@code auto-…} tag. */
    record Auto() implements TagOption {}

    /** This name (replacing what it named before). */
    record Named(String name) implements TagOption {
        public Named {
            Objects.requireNonNull(name, "name");
        }
    }

    /** No tag: the result is garbage as soon as nothing else keeps it. */
    record None() implements TagOption {}

    static TagOption auto() {
        return new Auto();
    }

    static TagOption named(String name) {
        return new Named(name);
    }

    static TagOption none() {
        return new None();
    }
}
