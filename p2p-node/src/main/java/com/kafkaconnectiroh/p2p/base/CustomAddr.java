package com.kafkaconnectiroh.p2p.base;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.Arrays;

/**
 * An iroh 1.x custom-transport address (IR@v1.0.2 {@code iroh-base/src/endpoint_addr.rs::CustomAddr}): a u64
 * transport id and opaque bytes. We cannot use them, but keep them so tickets round-trip byte for byte.
 *
 * <p>On the wire the bytes are Rust's {@code CustomAddrBytes} enum: {@code Inline{size u8, data [u8; 30]}} (tag 0)
 * for up to 30 bytes, {@code Heap(bytes)} (tag 1) above that. The inline array's unused tail is kept as received,
 * and so is the variant, because both take part in Rust's equality, order and encoding.
 */
public final class CustomAddr implements Comparable<CustomAddr> {
    static final int INLINE_CAPACITY = 30;

    private final long id;
    /** Inline: all 30 array bytes; heap: exactly the data. */
    private final byte[] storage;
    private final boolean heap;
    private final int size;

    private CustomAddr(long id, byte[] storage, boolean heap, int size) {
        this.id = id;
        this.storage = storage;
        this.heap = heap;
        this.size = size;
    }

    /** As Rust's {@code CustomAddr::from_parts}: inline up to 30 bytes (zero padded), heap above. */
    public static CustomAddr of(long transportId, byte[] data) {
        if (data.length <= INLINE_CAPACITY) {
            return new CustomAddr(transportId, Arrays.copyOf(data, INLINE_CAPACITY), false, data.length);
        }
        return new CustomAddr(transportId, data.clone(), true, data.length);
    }

    /** The transport id, an unsigned 64-bit value. */
    public long transportId() {
        return id;
    }

    public byte[] data() {
        return Arrays.copyOf(storage, size);
    }

    void writeTo(PostcardWriter w) {
        w.varint(id);
        if (heap) {
            w.variant(1).bytes(storage);
        } else {
            w.variant(0).u8(size).raw(storage);
        }
    }

    static CustomAddr readFrom(PostcardReader r) throws PostcardException {
        long id = r.u64();
        int variant = r.variant();
        switch (variant) {
            case 0: {
                int size = r.u8();
                byte[] array = r.raw(INLINE_CAPACITY);
                if (size > INLINE_CAPACITY) {
                    throw new PostcardException("custom address inline size " + size + " exceeds its " + INLINE_CAPACITY + "-byte array");
                }
                return new CustomAddr(id, array, false, size);
            }
            case 1: {
                byte[] data = r.bytes();
                return new CustomAddr(id, data, true, data.length);
            }
            default:
                throw new PostcardException("unknown custom address bytes variant " + variant + " (expected 0 inline or 1 heap)");
        }
    }

    /** Rust's derived order: id (unsigned), then Inline before Heap, then (size, array) or the bytes. */
    @Override
    public int compareTo(CustomAddr o) {
        int c = Long.compareUnsigned(id, o.id);
        if (c != 0) {
            return c;
        }
        if (heap != o.heap) {
            return heap ? 1 : -1;
        }
        if (!heap) {
            c = Integer.compare(size, o.size);
            if (c != 0) {
                return c;
            }
        }
        return Arrays.compareUnsigned(storage, o.storage);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CustomAddr c && compareTo(c) == 0;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + Arrays.hashCode(storage) + (heap ? 1 : 0);
    }

    /** Rust's {@code Display}: transport id in hex, '_', data in hex. */
    @Override
    public String toString() {
        return Long.toHexString(id) + "_" + Hex.encode(storage, 0, size);
    }
}
