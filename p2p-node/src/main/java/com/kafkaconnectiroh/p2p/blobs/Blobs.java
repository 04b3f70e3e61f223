package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.blobs.store.BlobReader;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStatus;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.CorruptBlobException;
import com.kafkaconnectiroh.p2p.blobs.store.ExportTarget;
import com.kafkaconnectiroh.p2p.blobs.store.GcResult;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.blobs.store.TempTag;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Blobs on an endpoint: add, read, export and tag content in a {@link BlobStore}, serve it to iroh-blobs peers,
 * and download from them with verification, resumption and fail-over. Built from an {@link Endpoint} and a store;
 * serving needs {@link #provider()} registered on the endpoint's router under {@link #ALPN}:
 *
 * <pre>{@code
 * Blobs blobs = new Blobs(endpoint, FsBlobStore.open(dir));
 * Router router = Router.builder(endpoint).accept(Blobs.ALPN, blobs.provider()).spawn();
 * AddOutcome added = blobs.add(Path.of("movie.mkv"));
 * String ticket = blobs.ticket(added.content()).toString();   // "blob…", readable by iroh 0.35 and 0.103
 * ...
 * blobs.download(BlobTicket.parse(ticket), progress -> System.err.println(progress));
 * }</pre>
 *
 * What is added or downloaded gets an auto tag unless another {@link TagOption} is given, so {@link #gc()} keeps
 * it until the tag is deleted. The store and the endpoint belong to the caller, who closes them.
 */
public final class Blobs {
    public static final String ALPN = BlobsProtocol.ALPN;

    /** What an add stored: the content, its size in bytes (for a collection: the hash sequence's), and its tag. */
    public record AddOutcome(HashAndFormat content, long size, String tag) {
        public Hash hash() {
            return content.hash();
        }
    }

    private final Endpoint endpoint;
    private final BlobStore store;
    private final BlobsProvider provider;
    private final Downloader downloader;

    public Blobs(Endpoint endpoint, BlobStore store) {
        this(endpoint, store, new BlobsProvider(store));
    }

    /** With a provider of one's own making (listener, limits); it must serve {@code store}. */
    public Blobs(Endpoint endpoint, BlobStore store, BlobsProvider provider) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.store = Objects.requireNonNull(store, "store");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.downloader = new Downloader(endpoint, store);
    }

    public BlobStore store() {
        return store;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** The protocol handler to register under {@link #ALPN}. */
    public BlobsProvider provider() {
        return provider;
    }

    // ---- adding ----

    public AddOutcome add(byte[] data) throws IOException {
        return add(data, TagOption.auto());
    }

    public AddOutcome add(byte[] data, TagOption tag) throws IOException {
        try (TempTag t = store.importBytes(data, BlobFormat.RAW)) {
            return tagged(t, tag);
        }
    }

    public AddOutcome add(Path file) throws IOException {
        return add(file, TagOption.auto());
    }

    public AddOutcome add(Path file, TagOption tag) throws IOException {
        try (TempTag t = store.importPath(file, BlobFormat.RAW)) {
            return tagged(t, tag);
        }
    }

    /** Stores all of {@code in} (not closed). */
    public AddOutcome add(InputStream in, TagOption tag) throws IOException {
        try (TempTag t = store.importStream(in, BlobFormat.RAW)) {
            return tagged(t, tag);
        }
    }

    /** Stores a collection (its meta blob and hash sequence); the named blobs must be here already. */
    public AddOutcome addCollection(Collection collection, TagOption tag) throws IOException {
        for (Collection.Entry e : collection.entries()) {
            if (!store.status(e.hash()).isComplete()) {
                throw new IOException("collection entry '" + e.name() + "' (" + e.hash() + ") is not in the store");
            }
        }
        try (TempTag meta = store.importBytes(collection.metaBytes(), BlobFormat.RAW);
                TempTag seq = store.importBytes(collection.hashSeq().toBytes(), BlobFormat.HASH_SEQ)) {
            return tagged(seq, tag);
        }
    }

    /** Adds files and a collection naming them (names as given, e.g. relative paths with '/'). */
    public AddOutcome addFiles(List<String> names, List<Path> files, TagOption tag) throws IOException {
        if (names.size() != files.size()) {
            throw new IllegalArgumentException(names.size() + " names for " + files.size() + " files");
        }
        List<TempTag> held = new ArrayList<>();
        try {
            List<Collection.Entry> entries = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                TempTag t = store.importPath(files.get(i), BlobFormat.RAW);
                held.add(t);
                entries.add(new Collection.Entry(names.get(i), t.hash()));
            }
            return addCollection(new Collection(entries), tag);
        } finally {
            held.forEach(TempTag::close);
        }
    }

    /** What a folder import tells as it goes. */
    public interface FolderListener {
        /** A regular file of {@code size} bytes is about to be added; throw to stop the import. */
        default void adding(String name, long size) throws IOException {}

        /** Something under the folder is not sent ({@code why}: a link, a FIFO, a device, ...). */
        default void skipped(String name, String why) {}
    }

    /**
     * Adds the regular files under {@code dir} and a collection naming them by their paths relative to it (with
     * '/'). Symbolic links are not followed and FIFOs, sockets and devices not read: each is skipped and told to
     * {@code listener}; files are opened without following links, relative to their open folder, so nothing
     * outside {@code dir} is read even if links are swapped in meanwhile ({@code FolderImport}).
     */
    public AddOutcome addFolder(Path dir, TagOption tag, FolderListener listener) throws IOException {
        List<TempTag> held = new ArrayList<>();
        try {
            return addCollection(new Collection(FolderImport.run(store, dir, listener, held)), tag);
        } finally {
            held.forEach(TempTag::close);
        }
    }

    private AddOutcome tagged(TempTag t, TagOption tag) throws IOException {
        String name = store.applyTag(tag, t.content());
        long size = ((BlobStatus.Complete) store.status(t.hash())).size();
        return new AddOutcome(t.content(), size, name);
    }

    // ---- reading ----

    public BlobStatus status(Hash hash) {
        return store.status(hash);
    }

    /** A complete blob's bytes (must fit an array). */
    public byte[] read(Hash hash) throws IOException {
        return store.readAll(hash);
    }

    /** A reader for a complete blob (ranges, streams); close it. */
    public Optional<BlobReader> reader(Hash hash) throws IOException {
        return store.openReader(hash);
    }

    /**
     * Writes a complete blob to {@code target} ({@link ExportTarget#open}: a file is replaced atomically, a FIFO or
     * character device written through), every byte verified; {@link CorruptBlobException} if the stored copy is
     * damaged (download it again: the store keeps only what verified).
     */
    public void export(Hash hash, Path target) throws IOException {
        store.export(hash, target);
    }

    /** Reads a complete collection (hash sequence and meta blob). */
    public Collection collection(Hash hash) throws IOException {
        HashSeq seq;
        try {
            seq = HashSeq.parse(store.readAll(hash));
        } catch (IllegalArgumentException e) {
            throw new IOException("blob " + hash + " is not a hash sequence", e);
        }
        if (seq.isEmpty()) {
            throw new IOException("hash sequence " + hash + " is empty, so no collection");
        }
        try {
            return Collection.parse(seq, store.readAll(seq.get(0)));
        } catch (PostcardException e) {
            throw new IOException("blob " + hash + " is no collection: " + e.getMessage(), e);
        }
    }

    /**
     * Writes every file of a complete collection under {@code dir}, each atomically. Names must be relative
     * paths that stay inside {@code dir} (no absolute paths, no ".."), and no symbolic link found under {@code dir}
     * is followed ({@link ExportTarget#openInside}).
     */
    public List<Path> exportCollection(Hash hash, Path dir) throws IOException {
        return exportCollection(hash, dir, new CollectionExport() {});
    }

    /** What a collection export tells and asks as it goes. */
    public interface CollectionExport {
        /** Before anything is written, for every file: throw to refuse the whole export. */
        default void check(String name, Path target) throws IOException {}

        /** A file's target was opened (its part file made); closing it before the commit removes that again. */
        default void opened(String name, ExportTarget target) {}

        /** A file was written ({@code target.kind()} says whether it replaced one). */
        default void written(String name, ExportTarget target) {}
    }

    /** {@link #exportCollection(Hash, Path)}, with {@code listener} checking every target first. */
    public List<Path> exportCollection(Hash hash, Path dir, CollectionExport listener) throws IOException {
        Collection c = collection(hash);
        Path base = dir.toAbsolutePath().normalize();
        List<Path> targets = new ArrayList<>();
        for (Collection.Entry e : c.entries()) {
            Path target = safeChild(base, e.name());
            ExportTarget.checkInside(base, target); // all refusals before the first file is written
            listener.check(e.name(), target);
            targets.add(target);
        }
        for (int i = 0; i < targets.size(); i++) {
            Collection.Entry e = c.entries().get(i);
            try (BlobReader r = store.openReader(e.hash())
                    .orElseThrow(() -> new IOException("blob " + e.hash() + " ('" + e.name() + "') is not complete here"));
                    ExportTarget t = ExportTarget.openInside(base, targets.get(i))) {
                listener.opened(e.name(), t);
                t.write(r);
                t.commit();
                listener.written(e.name(), t);
            }
        }
        return targets;
    }

    static Path safeChild(Path base, String name) throws IOException {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains("\0")) {
            throw new IOException("refusing collection entry name '" + name + "'");
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IOException("refusing collection entry name '" + name + "'");
            }
        }
        Path target = base.resolve(name).normalize();
        if (!target.startsWith(base) || target.equals(base)) {
            throw new IOException("collection entry '" + name + "' leaves " + base);
        }
        return target;
    }

    // ---- downloading and sharing ----

    /** A ticket for {@code content} served here (our id and direct addresses, iroh's {@code blob…} format). */
    public BlobTicket ticket(HashAndFormat content) {
        return new BlobTicket(endpoint.addr(), content);
    }

    /** Downloads what {@code ticket} names from its provider, with an auto tag. */
    public DownloadResult download(BlobTicket ticket, DownloadListener listener) throws IOException {
        return downloader.download(ticket, listener);
    }

    /** Downloads {@code content} from {@code providers} (tried in order, each continuing where the last stopped). */
    public DownloadResult download(HashAndFormat content, List<EndpointAddr> providers, TagOption tag,
                                   DownloadListener listener) throws IOException {
        return downloader.download(content, providers, tag, listener);
    }

    public Downloader downloader() {
        return downloader;
    }

    // ---- tags ----

    public void setTag(String name, HashAndFormat content) throws IOException {
        store.setTag(name, content);
    }

    public boolean deleteTag(String name) throws IOException {
        return store.deleteTag(name);
    }

    public SortedMap<String, HashAndFormat> tags() {
        return store.tags();
    }

    /** Deletes whatever no tag, temp tag or ongoing transfer keeps. */
    public GcResult gc() throws IOException {
        return store.gc();
    }
}
