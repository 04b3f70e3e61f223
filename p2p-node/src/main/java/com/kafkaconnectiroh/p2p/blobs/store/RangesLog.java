package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The durable record of a partial blob ({@code <hash>.ranges}): an append-only log saying which chunks are
 * present and verified. The rule that makes it safe: a record is appended only after the data and outboard
 * bytes it vouches for were flushed to disk, and the log is flushed before anything relies on it. A crash
 * can lose the tail, never add to it; a torn record fails its checksum and ends the replay there.
 *
 * <pre>
 * header  "IRBR" ‖ version (1) ‖ hash[32]
 * record  type u8 ‖ a u64 LE ‖ b u64 LE ‖ crc32c u32 LE (over the 17 bytes before it)
 *   CLAIM    a = claimed size; if it differs from the current claim, present chunks are dropped
 *   RANGE    chunks [a, b) are present (under the current claim)
 *   VERIFIED the current claim is proven (its last chunk was verified)
 * </pre>
 *
 * When the log grows long it is rewritten compactly (new file, flushed, renamed over the old one).
 */
final class RangesLog implements AutoCloseable {
    static final byte[] MAGIC = "IRBR".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER_LEN = 4 + 1 + 32;
    static final int RECORD_LEN = 1 + 8 + 8 + 4;
    static final int CLAIM = 1;
    static final int RANGE = 2;
    static final int VERIFIED = 3;
    /** Rewrite the log once it holds this many records more than a compact one would. */
    static final int COMPACT_AFTER = 4096;

    /** What a replay found: the claim, its proof, the present chunks, and how many bytes were valid. */
    record State(long size, boolean sizeVerified, ChunkRanges present, long validLength, int records) {}

    private final Path file;
    private final Hash hash;
    private FileChannel ch;
    private long length;
    private int records;
    private final ByteBuffer buf = ByteBuffer.allocate(RECORD_LEN * 64).order(ByteOrder.LITTLE_ENDIAN);

    private RangesLog(Path file, Hash hash, FileChannel ch, long length, int records) {
        this.file = file;
        this.hash = hash;
        this.ch = ch;
        this.length = length;
        this.records = records;
    }

    /** Creates a new, empty log (flushed) for {@code hash}. */
    static RangesLog create(Path file, Hash hash) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            ch.write(header(hash), 0);
            ch.force(true);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new RangesLog(file, hash, ch, HEADER_LEN, 0);
    }

    /** Opens an existing log for appending after {@link #replay}; a torn tail is cut off first. */
    static RangesLog open(Path file, Hash hash, State state) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE);
        try {
            if (ch.size() > state.validLength()) {
                ch.truncate(state.validLength());
                ch.force(true);
            }
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new RangesLog(file, hash, ch, state.validLength(), state.records());
    }

    private static ByteBuffer header(Hash hash) {
        ByteBuffer h = ByteBuffer.allocate(HEADER_LEN);
        h.put(MAGIC).put((byte) VERSION).put(hash.toBytes()).flip();
        return h;
    }

    /**
     * Reads a log. Returns null if the header is missing or names another blob (not a log of ours); stops at the
     * first torn or corrupt record.
     */
    static State replay(Path file, Hash hash) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < HEADER_LEN || !ByteBuffer.wrap(all, 0, HEADER_LEN).equals(header(hash))) {
            return null;
        }
        long size = -1;
        boolean verified = false;
        ChunkRanges present = ChunkRanges.empty();
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int pos = HEADER_LEN;
        int records = 0;
        CRC32C crc = new CRC32C();
        while (pos + RECORD_LEN <= all.length) {
            crc.reset();
            crc.update(all, pos, RECORD_LEN - 4);
            if ((int) crc.getValue() != b.getInt(pos + RECORD_LEN - 4)) {
                break;
            }
            int type = all[pos];
            long a = b.getLong(pos + 1);
            long bb = b.getLong(pos + 9);
            if (type == CLAIM) {
                if (a != size) {
                    size = a;
                    verified = false;
                    present = ChunkRanges.empty();
                }
            } else if (type == RANGE) {
                present = present.union(ChunkRanges.of(a, bb));
            } else if (type == VERIFIED) {
                verified = size >= 0;
            } else {
                break;
            }
            pos += RECORD_LEN;
            records++;
        }
        return new State(size, verified, present, pos, records);
    }

    void appendClaim(long size) throws IOException {
        add(CLAIM, size, 0);
    }

    void appendRange(long start, long end) throws IOException {
        add(RANGE, start, end);
    }

    void appendVerified() throws IOException {
        add(VERIFIED, 0, 0);
    }

    private void add(int type, long a, long b) throws IOException {
        if (buf.remaining() < RECORD_LEN) {
            flushBuffer();
        }
        int start = buf.position();
        buf.put((byte) type).putLong(a).putLong(b);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), start, RECORD_LEN - 4);
        buf.putInt((int) crc.getValue());
        records++;
    }

    private void flushBuffer() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            length += ch.write(buf, length);
        }
        buf.clear();
    }

    /** Writes buffered records and flushes the log to disk. */
    void force() throws IOException {
        flushBuffer();
        ch.force(false);
    }

    int records() {
        return records;
    }

    /**
     * Replaces the log with a compact one holding just this state (written beside it, flushed, renamed over it,
     * directory flushed), if it has grown long.
     */
    void compactIfLong(long size, boolean verified, ChunkRanges present) throws IOException {
        int compact = 1 + present.ranges().size() + (verified ? 1 : 0);
        if (records - compact < COMPACT_AFTER) {
            return;
        }
        RangesLog fresh = writeFresh(file, hash, size, verified, present);
        ch.close();
        ch = fresh.ch;
        length = fresh.length;
        records = fresh.records;
    }

    /**
     * Puts a log holding just this state in place of {@code file} (or where there was none): written beside it,
     * flushed, renamed over it, the folder flushed; returns it open for appending.
     */
    static RangesLog writeFresh(Path file, Hash hash, long size, boolean verified, ChunkRanges present)
            throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        RangesLog fresh = create(tmp, hash);
        try {
            if (size >= 0) {
                fresh.appendClaim(size);
                for (long[] r : present.ranges()) {
                    fresh.appendRange(r[0], r[1]);
                }
                if (verified) {
                    fresh.appendVerified();
                }
            }
            fresh.force();
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            FsSync.directory(file.getParent());
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
        return new RangesLog(file, hash, fresh.ch, fresh.length, fresh.records);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
