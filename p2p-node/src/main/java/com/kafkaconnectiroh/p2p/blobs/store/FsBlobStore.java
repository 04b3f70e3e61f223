package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEncodeException;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoTree;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.bao.Outboard;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} in a folder, safe against {@code kill -9} and power loss at any point.
 *
 * <pre>
 * &lt;dir&gt;/LOCK                 held while open: one process per store
 * &lt;dir&gt;/tags                 the tag table ({@link TagsFile})
 * &lt;dir&gt;/tmp/                 imports being staged; emptied on open
 * &lt;dir&gt;/blobs/&lt;hex&gt;.data     the blob's bytes (partial: written where verified data arrived)
 * &lt;dir&gt;/blobs/&lt;hex&gt;.obao4    its outboard, raw pre-order pairs as iroh keeps them (none up to 16 KiB)
 * &lt;dir&gt;/blobs/&lt;hex&gt;.ranges   partial blobs: what is present and verified ({@link RangesLog})
 * &lt;dir&gt;/blobs/&lt;hex&gt;.done     complete blobs: "IRBD" ‖ version ‖ size u64 ‖ crc32c — the commit point
 * </pre>
 *
 * <p>Why nothing unverified is ever complete after a crash:
 * <ul>
 *   <li>A blob is complete iff its {@code .done} exists. It is created (written beside, flushed, renamed, the
 *       folder flushed) only after data and outboard were complete, verified, trimmed and flushed.</li>
 *   <li>A partial blob's {@code .ranges} only lists chunks that were verified and whose data and outboard pairs
 *       were flushed before the record was appended; the log is flushed before anything builds on it. A size
 *       claim is recorded before anything is written under it. So after a crash the recorded ranges are a subset
 *       of what is verified and on disk, and downloads resume by asking for the rest.</li>
 *   <li>Imports are hashed from the staged copy itself, flushed, renamed in, then marked {@code .done}.</li>
 *   <li>Deleting removes the marker first. Files without a marker or a log are leftovers and are removed on
 *       open. A complete blob whose file sizes or root do not check out on open is removed, not served.</li>
 *   <li>What else changes files behind the store's back is caught on use: a partial blob's log is cut back to
 *       what its data file still holds (on open and whenever a writer opens it), and a complete blob whose data
 *       fails verification when read ({@link BlobReader}) is demoted to a partial one holding the prefix that
 *       verified: its new log is in place before the marker goes.</li>
 * </ul>
 */
public final class FsBlobStore extends AbstractBlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(FsBlobStore.class);
    private static final byte[] DONE_MAGIC = "IRBD".getBytes(StandardCharsets.US_ASCII);
    private static final int DONE_VERSION = 1;
    private static final int DONE_LEN = 4 + 1 + 8 + 4;
    private static final int PARALLEL_FROM = 1 << 20;
    /** Larger outboards (of blobs over 256 MiB) are read from their file as used, not loaded whole. */
    private static final long MAX_OUTBOARD_IN_MEMORY = 1L << 20;

    /**
     * How often a download's progress is made durable: after this many bytes or this much time, whichever first;
     * {@code syncData} false skips flushing blob data to disk altogether, for a store that is deleted when its
     * process ends (the crash-safety argument above then does not hold, and need not).
     */
    public record Options(long checkpointBytes, Duration checkpointInterval, boolean syncData,
                          boolean trustOwnWrites) {
        public Options(long checkpointBytes, Duration checkpointInterval) {
            this(checkpointBytes, checkpointInterval, true);
        }

        public Options(long checkpointBytes, Duration checkpointInterval, boolean syncData) {
            this(checkpointBytes, checkpointInterval, syncData, false);
        }

        public static Options defaults() {
            return new Options(256L << 20, Duration.ofSeconds(1));
        }

        /**
         * For a store thrown away with its process: no checkpoints, no flushing, and whole-blob reads
         * ({@link BlobReader#exportTo} and the like) without a second BLAKE3 pass. Everything in such a store was
         * verified as it arrived, by this process, moments before; the second pass guards data that rests on disk
         * across runs, which this store's never does, and it cost a fresh {@code blob get} as much CPU as the
         * download's own verification.
         */
        public static Options throwaway() {
            return new Options(Long.MAX_VALUE, Duration.ofDays(365), false, true);
        }
    }

    private final Path root;
    private final Path blobsDir;
    private final Path tmpDir;
    private final Path tagsFile;
    private final Options options;
    private final FileChannel lockChannel;
    private final FileLock fileLock;
    /** Blobs whose data file an export took over by a hard link (throwaway stores only, see BlobReader). */
    private final Set<Hash> linkedOut = ConcurrentHashMap.newKeySet();

    private static final class FsEntry extends Entry {
        SoftReference<Outboard> outboard = new SoftReference<>(null);

        FsEntry(Hash hash, State state) {
            super(hash, state);
        }
    }

    private FsBlobStore(Path root, Options options, FileChannel lockChannel, FileLock fileLock) {
        this.root = root;
        this.blobsDir = root.resolve("blobs");
        this.tmpDir = root.resolve("tmp");
        this.tagsFile = root.resolve("tags");
        this.options = options;
        this.lockChannel = lockChannel;
        this.fileLock = fileLock;
    }

    public static FsBlobStore open(Path dir) throws IOException {
        return open(dir, Options.defaults());
    }

    /** Opens (creating if needed) the store in {@code dir}; fails if another process has it open. */
    public static FsBlobStore open(Path dir, Options options) throws IOException {
        Path root = dir.toAbsolutePath();
        Files.createDirectories(root.resolve("blobs"));
        Files.createDirectories(root.resolve("tmp"));
        FileChannel lockChannel = FileChannel.open(root.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lockChannel.close();
            throw new IOException("blob store " + root + " is already open in this process");
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("blob store " + root + " is in use by another process");
        }
        FsBlobStore store = new FsBlobStore(root, options, lockChannel, lock);
        try {
            store.recover();
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    public Path directory() {
        return root;
    }

    // ---- start-up ----

    private void recover() throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(tmpDir)) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        }
        loadTags(TagsFile.load(tagsFile));
        Map<String, TreeSet<String>> byHash = new HashMap<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(blobsDir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                int dot = name.indexOf('.');
                String hex = dot < 0 ? name : name.substring(0, dot);
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(p);
                } else if (hex.length() == 64 && Hex.isHex(hex) && dot > 0) {
                    byHash.computeIfAbsent(hex, k -> new TreeSet<>()).add(name.substring(dot + 1));
                } else {
                    LOG.warn("ignoring unknown file {} in blob store", p);
                }
            }
        }
        int complete = 0;
        int partial = 0;
        for (Map.Entry<String, TreeSet<String>> f : byHash.entrySet()) {
            Hash hash = Hash.parse(f.getKey());
            TreeSet<String> kinds = f.getValue();
            if (kinds.contains("done")) {
                long size = readDone(hash);
                String problem = size < 0 ? "its completion record is damaged" : checkComplete(hash, size);
                if (problem == null) {
                    FsEntry e = new FsEntry(hash, State.COMPLETE);
                    e.size = size;
                    e.sizeVerified = true;
                    entries.put(hash, e);
                    Files.deleteIfExists(ranges(hash));
                    complete++;
                    continue;
                }
                LOG.warn("removing blob {}: {}", hash, problem);
            } else if (kinds.contains("ranges")) {
                RangesLog.State st = replayAgainstData(hash);
                if (st != null) {
                    FsEntry e = new FsEntry(hash, State.PARTIAL);
                    e.size = st.size();
                    e.sizeVerified = st.sizeVerified();
                    e.present = st.present();
                    entries.put(hash, e);
                    partial++;
                    continue;
                }
                LOG.warn("removing partial blob {}: its range log is not ours", hash);
            }
            deleteFiles(hash);
        }
        FsSync.directory(blobsDir);
        LOG.debug("blob store {}: {} complete, {} partial blobs", root, complete, partial);
    }

    /**
     * A partial blob's log, replayed, without the chunks its data file no longer holds: something other than this
     * store may have cut the file (a careless {@code truncate}, a restored backup), and chunks past its end are not
     * there however the log vouches for them. The log is then rewritten without them, so they are fetched again.
     * Null if the log is not ours.
     */
    private RangesLog.State replayAgainstData(Hash hash) throws IOException {
        RangesLog.State st = RangesLog.replay(ranges(hash), hash);
        if (st == null || st.present().isEmpty()) {
            return st;
        }
        Path d = data(hash);
        long bytes = Files.exists(d) ? Files.size(d) : 0;
        long chunks = st.size() >= 0 && bytes >= st.size() ? PartialBlob.chunks(st.size()) : bytes / BaoTree.CHUNK_LEN;
        ChunkRanges there = st.present().intersection(ChunkRanges.of(0, chunks));
        if (there.equals(st.present())) {
            return st;
        }
        LOG.warn("partial blob {}: its data file has {} bytes, less than its log records ({}); fetching the rest"
                + " again", hash, bytes, st.present());
        RangesLog.writeFresh(ranges(hash), hash, st.size(), st.sizeVerified(), there).close();
        return RangesLog.replay(ranges(hash), hash);
    }

    /** Null if the complete blob's files are consistent with {@code size} and its root, else what is wrong. */
    private String checkComplete(Hash hash, long size) throws IOException {
        Path data = data(hash);
        if (!Files.exists(data) || Files.size(data) != size) {
            return "data file " + (Files.exists(data) ? "has " + Files.size(data) + " bytes" : "is missing")
                    + ", expected " + size;
        }
        BaoTree tree = new BaoTree(size);
        if (tree.outboardSize() == 0) {
            byte[] bytes = Files.readAllBytes(data);
            return Hash.of(bytes).equals(hash) ? null : "data does not hash to its name";
        }
        Path ob = outboardFile(hash);
        if (!Files.exists(ob) || Files.size(ob) != tree.outboardSize()) {
            return "outboard " + (Files.exists(ob) ? "has " + Files.size(ob) + " bytes" : "is missing") + ", expected "
                    + tree.outboardSize();
        }
        byte[] pair = new byte[BaoTree.PAIR_LEN];
        try (FileChannel ch = FileChannel.open(ob, StandardOpenOption.READ)) {
            readFully(ch, 0, pair, 0, pair.length);
        }
        byte[] cv = Blake3.parentChainingValue(java.util.Arrays.copyOf(pair, 32),
                java.util.Arrays.copyOfRange(pair, 32, 64), true);
        return hash.equalsBytes(cv, 0) ? null : "outboard root does not match its name";
    }

    private long readDone(Hash hash) {
        try {
            byte[] b = Files.readAllBytes(done(hash));
            if (b.length != DONE_LEN || !java.util.Arrays.equals(b, 0, 4, DONE_MAGIC, 0, 4) || b[4] != DONE_VERSION) {
                return -1;
            }
            CRC32C crc = new CRC32C();
            crc.update(b, 0, DONE_LEN - 4);
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            if (bb.getInt(DONE_LEN - 4) != (int) crc.getValue()) {
                return -1;
            }
            long size = bb.getLong(5);
            return size < 0 ? -1 : size;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Creates {@code .done}: written beside, flushed, renamed; the caller flushes the folder. */
    private void writeDone(Hash hash, long size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(DONE_LEN).order(ByteOrder.LITTLE_ENDIAN);
        b.put(DONE_MAGIC).put((byte) DONE_VERSION).putLong(size);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, DONE_LEN - 4);
        b.putInt((int) crc.getValue()).flip();
        Path tmp = blobsDir.resolve(hash.toHex() + ".done.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, done(hash), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path data(Hash h) {
        return blobsDir.resolve(h.toHex() + ".data");
    }

    private Path outboardFile(Hash h) {
        return blobsDir.resolve(h.toHex() + ".obao4");
    }

    private Path done(Hash h) {
        return blobsDir.resolve(h.toHex() + ".done");
    }

    private Path ranges(Hash h) {
        return blobsDir.resolve(h.toHex() + ".ranges");
    }

    /** Deletes a blob's files, the marker first. Returns the bytes freed. */
    private long deleteFiles(Hash h) throws IOException {
        long bytes = 0;
        for (Path p : new Path[] {done(h), ranges(h), data(h), outboardFile(h)}) {
            if (Files.exists(p)) {
                bytes += Files.size(p);
                Files.deleteIfExists(p);
            }
        }
        return bytes;
    }

    /** Flushes blob data (and its size) to disk, unless this store is a throwaway one. */
    private void sync(FileChannel ch) throws IOException {
        if (options.syncData()) {
            ch.force(true);
        }
    }

    static void readFully(FileChannel ch, long pos, byte[] dst, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst, off, len);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position() - off) < 0) {
                throw new EOFException("file ends before byte " + (pos + len));
            }
        }
    }

    // ---- imports ----

    @Override
    public TempTag importBytes(byte[] data, BlobFormat format) throws IOException {
        ensureOpen();
        Path staged = stagingFile();
        try (FileChannel ch = FileChannel.open(staged, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            sync(ch);
        }
        Outboard ob = data.length >= PARALLEL_FROM
                ? Outboard.computeParallel(ByteBuffer.wrap(data), Blake3.hashingPool()) : Outboard.compute(data);
        return installStaged(staged, ob, format);
    }

    @Override
    public TempTag importPath(Path file, BlobFormat format) throws IOException {
        ensureOpen();
        Path staged = stagingFile();
        Files.copy(file, staged);
        return hashAndInstall(staged, format);
    }

    @Override
    public TempTag importStream(InputStream in, BlobFormat format) throws IOException {
        ensureOpen();
        Path staged = stagingFile();
        Files.copy(in, staged);
        return hashAndInstall(staged, format);
    }

    private Path stagingFile() {
        return tmpDir.resolve(UUID.randomUUID() + ".data");
    }

    /** Hashes the staged copy itself (what we keep is what we hashed), flushes it and installs it. */
    private TempTag hashAndInstall(Path staged, BlobFormat format) throws IOException {
        try {
            long size = Files.size(staged);
            Outboard ob = Outboard.compute(staged, size >= PARALLEL_FROM ? Blake3.hashingPool() : null);
            try (FileChannel ch = FileChannel.open(staged, StandardOpenOption.WRITE)) {
                sync(ch);
            }
            return installStaged(staged, ob, format);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(staged);
            throw e;
        }
    }

    private TempTag installStaged(Path staged, Outboard ob, BlobFormat format) throws IOException {
        Hash hash = Hash.fromBytes(ob.root());
        Path stagedOb = null;
        try {
            if (ob.tree().outboardSize() > 0) {
                stagedOb = staged.resolveSibling(staged.getFileName() + ".obao4");
                try (FileChannel ch = FileChannel.open(stagedOb, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer b = ByteBuffer.wrap(ob.pairs());
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    sync(ch);
                }
            }
            Path obFile = stagedOb;
            return install(hash, format, previous -> {
                if (obFile != null) {
                    Files.move(obFile, outboardFile(hash), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.deleteIfExists(outboardFile(hash));
                }
                Files.move(staged, data(hash), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                writeDone(hash, ob.size());
                Files.deleteIfExists(ranges(hash));
                FsSync.directory(blobsDir);
                FsEntry e = new FsEntry(hash, State.COMPLETE);
                e.size = ob.size();
                e.sizeVerified = true;
                e.outboard = new SoftReference<>(ob);
                return e;
            });
        } finally {
            Files.deleteIfExists(staged);
            if (stagedOb != null) {
                Files.deleteIfExists(stagedOb);
            }
        }
    }

    // ---- partial blobs ----

    @Override
    protected Entry createPartialEntry(Hash hash) throws IOException {
        // The log first: data files without a marker or a log are leftovers, removed on open.
        RangesLog.create(ranges(hash), hash).close();
        FsSync.directory(blobsDir);
        return new FsEntry(hash, State.PARTIAL);
    }

    @Override
    protected PartialBlob newWriter(Entry e) throws IOException {
        // Checked again on each use, not only on open: the data file may have been cut while the store was open.
        RangesLog.State st = replayAgainstData(e.hash);
        if (st == null) {
            throw new IOException("range log of partial blob " + e.hash + " is not readable");
        }
        e.present = st.present();
        return new FsPartialBlob(e, RangesLog.open(ranges(e.hash), e.hash, st), st);
    }

    private final class FsPartialBlob extends PartialBlob {
        private final RangesLog log;
        private FileChannel dataCh;
        private FileChannel outboardCh;
        private long durableSize;
        private boolean durableVerified;
        private ChunkRanges durable;
        private long bytesSinceCheckpoint;
        private long lastCheckpoint = System.nanoTime();
        private final ByteBuffer pairBuf = ByteBuffer.allocate(BaoTree.PAIR_LEN);

        FsPartialBlob(Entry e, RangesLog log, RangesLog.State st) {
            super(FsBlobStore.this, e);
            this.log = log;
            this.durableSize = st.size();
            this.durableVerified = st.sizeVerified();
            this.durable = st.present();
        }

        private FileChannel dataChannel() throws IOException {
            if (dataCh == null) {
                dataCh = FileChannel.open(data(entry.hash), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.READ);
            }
            return dataCh;
        }

        private FileChannel outboardChannel() throws IOException {
            if (outboardCh == null) {
                outboardCh = FileChannel.open(outboardFile(entry.hash), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.READ);
            }
            return outboardCh;
        }

        @Override
        protected void recordClaim(long size) throws IOException {
            log.appendClaim(size);
            log.force();
            durableSize = size;
            durableVerified = false;
            durable = ChunkRanges.empty();
        }

        @Override
        protected void writePair(long index, byte[] pair) throws IOException {
            pairBuf.clear();
            pairBuf.put(pair, 0, BaoTree.PAIR_LEN).flip();
            FileChannel ch = outboardChannel();
            long pos = index * BaoTree.PAIR_LEN;
            while (pairBuf.hasRemaining()) {
                pos += ch.write(pairBuf, pos);
            }
        }

        @Override
        protected void writeData(long offset, ByteBuffer data) throws IOException {
            FileChannel ch = dataChannel();
            long pos = offset;
            while (data.hasRemaining()) {
                pos += ch.write(data, pos);
            }
        }

        @Override
        protected void afterLeaf(int bytes) throws IOException {
            bytesSinceCheckpoint += bytes;
            if (bytesSinceCheckpoint >= options.checkpointBytes()
                    || System.nanoTime() - lastCheckpoint >= options.checkpointInterval().toNanos()) {
                persist();
            }
        }

        @Override
        protected void persist() throws IOException {
            long size;
            boolean verified;
            ChunkRanges present;
            synchronized (lock) {
                size = entry.size;
                verified = entry.sizeVerified;
                present = entry.present;
            }
            bytesSinceCheckpoint = 0;
            lastCheckpoint = System.nanoTime();
            if (size == durableSize && verified == durableVerified && present.equals(durable)) {
                return;
            }
            // Data and outboard reach the disk before the log says they are there.
            if (dataCh != null && options.syncData()) {
                dataCh.force(false);
            }
            if (outboardCh != null && options.syncData()) {
                outboardCh.force(false);
            }
            if (size != durableSize) {
                log.appendClaim(size);
                durable = ChunkRanges.empty();
            }
            for (long[] r : present.difference(durable).ranges()) {
                log.appendRange(r[0], r[1]);
            }
            if (verified && !durableVerified) {
                log.appendVerified();
            }
            log.force();
            durableSize = size;
            durableVerified = verified;
            durable = present;
            log.compactIfLong(size, verified, present);
        }

        @Override
        protected void prepareCompletion(long size) throws IOException {
            FileChannel d = dataChannel();
            if (d.size() > size) {
                d.truncate(size);
            }
            sync(d);
            long obSize = new BaoTree(size).outboardSize();
            if (obSize > 0) {
                FileChannel o = outboardChannel();
                if (o.size() > obSize) {
                    o.truncate(obSize);
                }
                sync(o);
            } else {
                if (outboardCh != null) {
                    outboardCh.close();
                    outboardCh = null;
                }
                Files.deleteIfExists(outboardFile(entry.hash));
            }
        }

        @Override
        protected void markComplete(long size) throws IOException {
            writeDone(entry.hash, size);
            FsSync.directory(blobsDir);
            log.close();
            Files.deleteIfExists(ranges(entry.hash));
        }

        @Override
        protected void release() throws IOException {
            try {
                log.close();
            } finally {
                try {
                    if (dataCh != null) {
                        dataCh.close();
                    }
                } finally {
                    if (outboardCh != null) {
                        outboardCh.close();
                    }
                }
            }
        }
    }

    // ---- reading ----

    @Override
    protected BlobReader newReader(Entry e, Runnable onClose, LongConsumer onDamage) throws IOException {
        FsEntry fe = (FsEntry) e;
        FileChannel ch = FileChannel.open(data(e.hash), StandardOpenOption.READ);
        FileChannel[] obCh = {null};
        return new BlobReader(e.hash, e.size, () -> {
            try {
                ch.close();
                synchronized (obCh) {
                    if (obCh[0] != null) {
                        obCh[0].close();
                    }
                }
            } catch (IOException ignored) {
                // read-only channels: nothing to lose
            }
            onClose.run();
        }, onDamage) {
            private Outboard fromFile;

            @Override
            public Outboard outboard() throws IOException {
                if (new BaoTree(size()).outboardSize() > MAX_OUTBOARD_IN_MEMORY) {
                    synchronized (obCh) {
                        if (fromFile == null) {
                            obCh[0] = FileChannel.open(outboardFile(hash()), StandardOpenOption.READ);
                            fromFile = checkedOutboard(() -> Outboard.open(obCh[0], size(), hash().toBytes()));
                        }
                        return fromFile;
                    }
                }
                Outboard ob = fe.outboard.get();
                if (ob == null) {
                    ob = checkedOutboard(() -> Outboard.load(outboardFile(hash()), size(), hash().toBytes()));
                    fe.outboard = new SoftReference<>(ob);
                }
                return ob;
            }

            @Override
            protected void readStored(long offset, byte[] dst, int dstOff, int len) throws IOException {
                FsBlobStore.readFully(ch, offset, dst, dstOff, len);
            }

            @Override
            protected boolean verifiedByThisProcess() {
                return options.trustOwnWrites();
            }

            @Override
            protected Path wholeFileToLink() {
                // Once per blob: a second export would otherwise become a hard link of the first.
                return linkedOut.add(hash()) ? data(hash()) : null;
            }
        };
    }

    /** How an outboard is read. */
    private interface OutboardSource {
        Outboard get() throws IOException;
    }

    /** A complete blob's outboard; one that is missing or of the wrong length is damage. */
    private static Outboard checkedOutboard(OutboardSource source) throws IOException {
        try {
            return source.get();
        } catch (NoSuchFileException | IllegalArgumentException e) {
            throw new BaoEncodeException("its outboard is damaged: " + e.getMessage(), 0);
        }
    }

    /**
     * Keeps the verified prefix of a damaged complete blob as a partial one. The new log is in place (flushed)
     * before the marker goes: a crash in between leaves the blob complete, to be found damaged again when next
     * read, never a marker or log vouching for more than verified.
     */
    @Override
    protected Entry demote(Entry e, long verifiedChunks) throws IOException {
        ChunkRanges kept = verifiedChunks > 0 ? ChunkRanges.of(0, verifiedChunks) : ChunkRanges.empty();
        RangesLog.writeFresh(ranges(e.hash), e.hash, e.size, false, kept).close();
        Files.deleteIfExists(done(e.hash));
        FsSync.directory(blobsDir);
        FsEntry p = new FsEntry(e.hash, State.PARTIAL);
        p.size = e.size;
        p.present = kept;
        return p;
    }

    // ---- deleting, tags, closing ----

    @Override
    protected long deleteStorage(Entry e) throws IOException {
        return deleteFiles(e.hash);
    }

    @Override
    protected void afterDeletes() throws IOException {
        FsSync.directory(blobsDir);
    }

    @Override
    protected void saveTags(SortedMap<String, HashAndFormat> tags) throws IOException {
        TagsFile.save(tagsFile, tags);
    }

    @Override
    public void close() throws IOException {
        synchronized (lock) {
            if (closed && !lockChannel.isOpen()) {
                return;
            }
            closed = true;
        }
        try {
            if (fileLock.isValid()) {
                fileLock.release();
            }
        } finally {
            lockChannel.close();
        }
    }

    @Override
    public String toString() {
        return "FsBlobStore(" + root + ")";
    }
}
