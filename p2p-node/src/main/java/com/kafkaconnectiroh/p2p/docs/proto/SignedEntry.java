package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import com.kafkaconnectiroh.p2p.crypto.Ed25519;
import java.util.Arrays;
import java.util.Objects;

/**
 * An entry with both signatures: the author's and the namespace's, each an Ed25519 signature over the same
 * bytes {@code namespace ‖ author ‖ key ‖ len u64 BE ‖ hash ‖ timestamp u64 BE} (DO@v0.35.0 {@code src/sync.rs}:
 * {@code Entry::encode}, {@code EntrySignature::from_entry}).
 *
 * <p>Postcard layout ({@code SignedEntry{signature, entry}}): {@code author_sig[64] ‖ namespace_sig[64]} raw,
 * then the identifier as {@code bytes}, then {@code Record{len varint, hash[32], timestamp varint}}.
 *
 * <p>Entries order by identifier, then record; equality covers the signatures too. Immutable.
 */
public final class SignedEntry implements Comparable<SignedEntry> {
    public static final int SIGNATURE_LEN = Ed25519.SIGNATURE_LEN;

    private final RecordIdentifier id;
    private final Record record;
    private final byte[] authorSignature;
    private final byte[] namespaceSignature;
    private byte[] fingerprint;

    private SignedEntry(RecordIdentifier id, Record record, byte[] authorSignature, byte[] namespaceSignature) {
        this.id = id;
        this.record = record;
        this.authorSignature = authorSignature;
        this.namespaceSignature = namespaceSignature;
    }

    /** Signs {@code key → record} in {@code namespace} as {@code author}. */
    public static SignedEntry sign(NamespaceSecret namespace, Author author, byte[] key, Record record) {
        RecordIdentifier id = RecordIdentifier.of(namespace.id(), author.id(), key);
        byte[] msg = signedBytes(id, record);
        return new SignedEntry(id, record, author.sign(msg, 0, msg.length), namespace.sign(msg, 0, msg.length));
    }

    /**
     * An entry from its parts as stored; the signatures are not checked here ({@link #verify()} does).
     *
     * @throws IllegalArgumentException the identifier is shorter than a namespace and an author, or a signature
     *                                  is not 64 bytes
     */
    public static SignedEntry of(RecordIdentifier id, Record record, byte[] authorSignature, byte[] namespaceSignature) {
        if (!id.isEntryId()) {
            throw new IllegalArgumentException("entry identifier has " + id.bytes().length + " bytes, less than 64");
        }
        if (authorSignature.length != SIGNATURE_LEN || namespaceSignature.length != SIGNATURE_LEN) {
            throw new IllegalArgumentException("signatures must be 64 bytes");
        }
        return new SignedEntry(id, Objects.requireNonNull(record, "record"), authorSignature.clone(),
                namespaceSignature.clone());
    }

    /** The bytes both keys sign. */
    static byte[] signedBytes(RecordIdentifier id, Record record) {
        byte[] idb = id.bytes();
        byte[] out = new byte[idb.length + 8 + Hash.LENGTH + 8];
        System.arraycopy(idb, 0, out, 0, idb.length);
        int p = idb.length;
        putLongBE(out, p, record.len());
        record.hash().copyTo(out, p + 8);
        putLongBE(out, p + 8 + Hash.LENGTH, record.timestamp());
        return out;
    }

    static void putLongBE(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    /** True if both signatures are valid (never throws on peer-supplied bytes). */
    public boolean verify() {
        byte[] msg = signedBytes(id, record);
        byte[] idb = id.bytes();
        return Ed25519.verify(Arrays.copyOfRange(idb, 0, KeyBytes.LENGTH), msg, namespaceSignature)
                && Ed25519.verify(Arrays.copyOfRange(idb, KeyBytes.LENGTH, RecordIdentifier.KEY_OFFSET), msg,
                authorSignature);
    }

    /**
     * This entry's contribution to a range fingerprint: BLAKE3 of {@code namespace ‖ author ‖ key ‖
     * timestamp u64 BE ‖ hash} (DO@v0.35.0 {@code src/sync.rs}, {@code RangeEntry::as_fingerprint}). Note the
     * length is not part of it. Computed once; never modify the returned array.
     */
    public byte[] fingerprint() {
        byte[] fp = fingerprint;
        if (fp == null) {
            byte[] idb = id.bytes();
            byte[] in = new byte[idb.length + 8 + Hash.LENGTH];
            System.arraycopy(idb, 0, in, 0, idb.length);
            putLongBE(in, idb.length, record.timestamp());
            record.hash().copyTo(in, idb.length + 8);
            fp = Blake3.hash(in);
            fingerprint = fp;
        }
        return fp;
    }

    public RecordIdentifier id() {
        return id;
    }

    public Record record() {
        return record;
    }

    public NamespaceId namespace() {
        return id.namespace();
    }

    public AuthorId author() {
        return id.author();
    }

    public byte[] key() {
        return id.key();
    }

    public long timestamp() {
        return record.timestamp();
    }

    public Hash contentHash() {
        return record.hash();
    }

    public long contentLen() {
        return record.len();
    }

    /** A deletion marker (the empty hash). */
    public boolean isEmpty() {
        return record.isEmpty();
    }

    public byte[] authorSignature() {
        return authorSignature.clone();
    }

    public byte[] namespaceSignature() {
        return namespaceSignature.clone();
    }

    public void writeTo(PostcardWriter w) {
        w.raw(authorSignature).raw(namespaceSignature);
        w.bytes(id.bytes());
        w.varint(record.len());
        w.raw(record.hash().toBytes());
        w.varint(record.timestamp());
    }

    public byte[] encode() {
        PostcardWriter w = new PostcardWriter(200 + id.bytes().length);
        writeTo(w);
        return w.toByteArray();
    }

    /**
     * Reads one entry; fails on an identifier shorter than 64 bytes (such bytes cannot name an entry; iroh would
     * panic slicing them).
     */
    public static SignedEntry readFrom(PostcardReader r) throws PostcardException {
        byte[] authorSig = r.raw(SIGNATURE_LEN);
        byte[] nsSig = r.raw(SIGNATURE_LEN);
        byte[] id = r.bytes();
        if (id.length < RecordIdentifier.KEY_OFFSET) {
            throw new PostcardException("entry identifier has " + id.length + " bytes, less than namespace + author (64)");
        }
        long len = r.u64();
        Hash hash = Hash.fromBytes(r.raw(Hash.LENGTH));
        long timestamp = r.u64();
        return new SignedEntry(RecordIdentifier.wrap(id), new Record(len, hash, timestamp), authorSig, nsSig);
    }

    public static SignedEntry decode(byte[] bytes) throws PostcardException {
        PostcardReader r = new PostcardReader(bytes);
        SignedEntry e = readFrom(r);
        r.expectEnd();
        return e;
    }

    @Override
    public int compareTo(SignedEntry o) {
        int c = id.compareTo(o.id);
        return c != 0 ? c : record.compareTo(o.record);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedEntry e && id.equals(e.id) && record.equals(e.record)
                && Arrays.equals(authorSignature, e.authorSignature) && Arrays.equals(namespaceSignature, e.namespaceSignature);
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + record.hashCode();
    }

    @Override
    public String toString() {
        return "SignedEntry[" + id + " " + record + "]";
    }
}
