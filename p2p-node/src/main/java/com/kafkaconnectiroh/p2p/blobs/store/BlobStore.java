package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Content-addressed blob storage: complete blobs (data and BAO outboard, ready to serve any range) and partial
 * ones being downloaded, whose every stored chunk was verified against the hash first.
 *
 * <p>Nothing is reported {@link BlobStatus.Complete complete} unless every chunk was verified and the size
 * proven. What keeps a blob: a named tag ({@link #setTag}), an auto tag, a {@link TempTag} held open, an open
 * reader or writer; a tag on a {@link BlobFormat#HASH_SEQ hash sequence} keeps its children too.
 * {@link #gc()} deletes everything else, partial blobs included.
 *
 * <p>What a store hands out (reads, exports, what a provider sends) is verified against the hash as it goes out;
 * a complete blob found damaged then is no longer complete ({@link CorruptBlobException}).
 *
 * <p>Thread-safe. Implementations: {@link MemBlobStore} (nothing survives the process) and {@link FsBlobStore}
 * (survives restarts and {@code kill -9}: downloads resume from what was verified and recorded).
 */
public interface BlobStore extends AutoCloseable {
    // ---- adding ----

    /** Stores {@code data}; the returned temp tag keeps it until closed or tagged. */
    TempTag importBytes(byte[] data, BlobFormat format) throws IOException;

    /**
     * Adds a file: copied into the store (large files are hashed in parallel), or, for a store that adds files in
     * place ({@link MemBlobStore#referencingFiles}), hashed where it is.
     */
    TempTag importPath(Path file, BlobFormat format) throws IOException;

    /** Stores everything {@code in} yields up to its end; the stream is not closed. */
    TempTag importStream(InputStream in, BlobFormat format) throws IOException;

    /**
     * Adds a regular file the caller has open ({@code opened}, found at {@code path}): what is read from the channel
     * is what is kept, whatever happens at {@code path} meanwhile (a caller walking a folder opens each file
     * without following links, so nothing outside it can be slipped in). Stores that copy files read the channel to
     * its end; one that adds files in place ({@link MemBlobStore#referencingFiles}) hashes it and reads
     * {@code path} again later, verified. The channel is not closed.
     */
    default TempTag importOpened(Path path, FileChannel opened, BlobFormat format) throws IOException {
        return importStream(Channels.newInputStream(opened), format);
    }

    // ---- reading ----

    BlobStatus status(Hash hash);

    /** Opens a complete blob for reading (kept from garbage collection while open), or empty. */
    Optional<BlobReader> openReader(Hash hash) throws IOException;

    /** All blobs held, complete or partial, in hash order. */
    List<Hash> list();

    /**
     * Writes a complete blob to {@code target} ({@link ExportTarget#open}: a file is replaced atomically through a
     * flushed part file beside it; a FIFO or character device is written through), every byte verified on the way
     * ({@link CorruptBlobException} if the stored copy is damaged). Fails if the blob is not complete.
     */
    default void export(Hash hash, Path target) throws IOException {
        try (BlobReader r = openReader(hash).orElseThrow(() -> new IOException("blob " + hash + " is not complete here"))) {
            r.exportTo(target);
        }
    }

    /** A complete blob's bytes, verified (it must fit in an array). */
    default byte[] readAll(Hash hash) throws IOException {
        try (BlobReader r = openReader(hash).orElseThrow(() -> new IOException("blob " + hash + " is not complete here"))) {
            return r.readAll();
        }
    }

    // ---- writing verified data ----

    /**
     * Opens the partial blob {@code hash} for writing verified data, creating it if absent; empty if the blob is
     * complete. One writer per blob: a second one gets {@link BlobBusyException} until the first is closed.
     */
    Optional<PartialBlob> openPartial(Hash hash) throws IOException;

    // ---- tags ----

    /** Sets (or replaces) a named tag. */
    void setTag(String name, HashAndFormat content) throws IOException;

    /** Creates a tag with a fresh {@code auto-…} name and returns the name. */
    String createAutoTag(HashAndFormat content) throws IOException;

    /** Deletes a tag; false if there was none. */
    boolean deleteTag(String name) throws IOException;

    Optional<HashAndFormat> tag(String name);

    /** All tags by name. */
    SortedMap<String, HashAndFormat> tags();

    /** Sets the tag {@code option} asks for on {@code content}; returns its name, or null for {@link TagOption.None}. */
    default String applyTag(TagOption option, HashAndFormat content) throws IOException {
        if (option instanceof TagOption.Named n) {
            setTag(n.name(), content);
            return n.name();
        }
        return option instanceof TagOption.Auto ? createAutoTag(content) : null;
    }

    /** Keeps {@code content} for as long as the returned tag is open. */
    TempTag tempTag(HashAndFormat content);

    // ---- garbage collection ----

    /** Deletes every blob that nothing keeps (see the class comment). */
    GcResult gc() throws IOException;

    /**
     * Adds a keeper: {@link #gc()} also keeps every raw blob {@code roots} names when it runs (iroh-blobs'
     * protect callback; the docs engine keeps its entries' content this way). Called under the store's lock: it
     * must not call back into the store.
     */
    default void addGcRoots(java.util.function.Supplier<? extends java.util.Collection<Hash>> roots) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no extra garbage collection roots");
    }

    @Override
    void close() throws IOException;
}
