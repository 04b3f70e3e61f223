package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The file store's tag table: {@code "IRTG" ‖ version ‖ postcard(count, [name, format, hash[32]]...) ‖ crc32c},
 * replaced as a whole on every change (written beside, flushed, renamed, directory flushed). A table that does
 * not check out stops the store from opening: losing tags silently would let garbage collection delete what
 * they kept.
 */
final class TagsFile {
    private static final byte[] MAGIC = "IRTG".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    private TagsFile() {}

    static SortedMap<String, HashAndFormat> load(Path file) throws IOException {
        TreeMap<String, HashAndFormat> out = new TreeMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        byte[] all = Files.readAllBytes(file);
        if (all.length < MAGIC.length + 1 + 4) {
            throw new IOException("tag table " + file + " is truncated (" + all.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 4);
        int stored = ByteBuffer.wrap(all, all.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if ((int) crc.getValue() != stored) {
            throw new IOException("tag table " + file + " fails its checksum; refusing to open the store");
        }
        try {
            PostcardReader r = new PostcardReader(all, 0, all.length - 4);
            byte[] magic = r.raw(MAGIC.length);
            int version = r.u8();
            if (!java.util.Arrays.equals(magic, MAGIC) || version != VERSION) {
                throw new IOException("tag table " + file + " has an unknown format");
            }
            int n = r.length(34);
            for (int i = 0; i < n; i++) {
                String name = r.string();
                BlobFormat format = BlobFormat.fromWire(r.u8());
                Hash hash = Hash.fromBytes(r.raw(Hash.LENGTH));
                out.put(name, new HashAndFormat(hash, format));
            }
            r.expectEnd();
        } catch (PostcardException | IllegalArgumentException e) {
            throw new IOException("tag table " + file + " is malformed: " + e.getMessage(), e);
        }
        return out;
    }

    static void save(Path file, Map<String, HashAndFormat> tags) throws IOException {
        PostcardWriter w = new PostcardWriter(64 + tags.size() * 48);
        w.raw(MAGIC).u8(VERSION).length(tags.size());
        for (Map.Entry<String, HashAndFormat> t : tags.entrySet()) {
            w.string(t.getKey()).u8(t.getValue().format().wireValue()).raw(t.getValue().hash().toBytes());
        }
        byte[] body = w.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer out = ByteBuffer.allocate(body.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        out.put(body).putInt((int) crc.getValue()).flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FsSync.directory(file.getParent());
    }
}
