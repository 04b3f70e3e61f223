package com.kafkaconnectiroh.p2p.blobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEncoder;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.bao.Outboard;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStatus;
import com.kafkaconnectiroh.p2p.blobs.store.FsBlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.Pattern;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our blobs against real iroh-blobs 0.35 (npm {@code @number0/iroh@0.35.0} through the harness), both ways: iroh
 * adds and Java fetches, Java adds and iroh fetches, for sizes around chunk and block edges up to 100 MiB, a
 * collection, range requests, and unknown hashes. Both sides check what they got (hashes, SHA-256 of content).
 */
@Tag("iroh-interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlobsIrohInteropTest {
    static final int[] SIZES = {0, 1, 1024, 1025, 16384, 16385, 1 << 20, 100 << 20};
    static final Duration BIG = Duration.ofMinutes(5);

    Path tmp;

    IrohPeer iroh;
    BlobPeer ours;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        tmp = dir;
        iroh = IrohPeer.start(IrohVersion.V035);
        ours = BlobPeer.start(FsBlobStore.open(tmp.resolve("store")), BlobsProvider.Options.defaults());
    }

    @AfterAll
    void stop() throws IOException {
        if (ours != null) {
            ours.close();
        }
        if (iroh != null) {
            iroh.close();
        }
    }

    @Test
    void javaFetchesWhatIrohAdded() throws IOException {
        for (int size : SIZES) {
            JsonNode added = iroh.call("blob-add", IrohPeer.params("pattern", Pattern.json(size, size)), BIG);
            Hash hash = Hash.parse(added.get("hash").asText());
            assertEquals(hash, Hash.parse(added.get("hashHex").asText()));
            assertEquals(hash.toBase32(), added.get("hash").asText(), "0.35 prints base32");
            String ticket = iroh.call("blob-ticket", "hash", hash.toHex(), "format", "raw").get("ticket").asText();
            BlobTicket t = BlobTicket.parse(ticket);
            assertEquals(hash, t.hash());
            assertEquals(iroh.endpointId(), t.provider().id());
            assertEquals(ticket, t.toString(), "our encoding of iroh's ticket is iroh's");

            DownloadResult r = ours.blobs.download(t, DownloadListener.NONE);
            assertEquals(size, r.totalBytes(), "size " + size);
            assertEquals(new BlobStatus.Complete(size), ours.store.status(hash));
            try (var reader = ours.store.openReader(hash).orElseThrow()) {
                assertEquals(Pattern.sha256Hex(size, size), sha256(reader), "content of size " + size);
            }
        }
    }

    @Test
    void irohFetchesWhatJavaAdded() throws IOException {
        for (int size : SIZES) {
            Path file = tmp.resolve("j" + size);
            Files.write(file, Pattern.bytes(1000 + size, size));
            Blobs.AddOutcome added = ours.blobs.add(file);
            String ticket = ours.blobs.ticket(added.content()).toString();
            JsonNode info = iroh.call("ticket-info", "ticket", ticket);
            assertEquals(added.hash().toHex(), info.get("hashHex").asText());
            assertEquals(ticket, info.get("reencoded").asText(), "iroh re-encodes our ticket to the same text");

            JsonNode got = iroh.call("blob-download", IrohPeer.params("ticket", ticket, "timeoutMs", BIG.toMillis()), BIG);
            assertTrue(got.get("complete").asBoolean(), got.toString());
            assertEquals(added.hash().toHex(), got.get("hashHex").asText());
            JsonNode read = iroh.call("blob-read", IrohPeer.params("hash", added.hash().toHex()), BIG);
            assertEquals(size, read.get("len").asLong());
            assertEquals(Pattern.sha256Hex(1000 + size, size), read.get("sha256").asText(), "size " + size);
        }
    }

    @Test
    void collectionsBothWays() throws IOException {
        // iroh → Java
        ArrayNode files = JsonNodeFactory.instance.arrayNode();
        String[] names = {"readme.txt", "data/big.bin", "data/empty", "tiny"};
        int[] sizes = {1200, 3_000_000, 0, 1};
        for (int i = 0; i < names.length; i++) {
            ObjectNode f = files.addObject();
            f.put("name", names[i]);
            f.set("pattern", Pattern.json(50 + i, sizes[i]));
        }
        JsonNode col = iroh.call("collection-add", IrohPeer.params("files", files), BIG);
        BlobTicket t = BlobTicket.parse(col.get("ticket").asText());
        assertEquals(BlobFormat.HASH_SEQ, t.format());
        ours.blobs.download(t, DownloadListener.NONE);
        Collection c = ours.blobs.collection(t.hash());
        assertEquals(List.of(names), c.entries().stream().map(Collection.Entry::name).toList());
        List<Path> out = ours.blobs.exportCollection(t.hash(), tmp.resolve("from-iroh"));
        for (int i = 0; i < names.length; i++) {
            assertEquals(Pattern.sha256Hex(50 + i, sizes[i]), Pattern.sha256Hex(Files.readAllBytes(out.get(i))), names[i]);
        }

        // Java → iroh
        List<String> ourNames = List.of("a.txt", "nested/b.bin", "c");
        List<Path> paths = new ArrayList<>();
        int[] ourSizes = {10, 2_000_000, 16385};
        for (int i = 0; i < ourNames.size(); i++) {
            Path p = tmp.resolve("c" + i);
            Files.write(p, Pattern.bytes(70 + i, ourSizes[i]));
            paths.add(p);
        }
        Blobs.AddOutcome added = ours.blobs.addFiles(ourNames, paths, TagOption.named("collection"));
        String ticket = ours.blobs.ticket(added.content()).toString();
        JsonNode got = iroh.call("blob-download", IrohPeer.params("ticket", ticket, "timeoutMs", BIG.toMillis()), BIG);
        assertTrue(got.get("complete").asBoolean(), got.toString());
        Path dest = tmp.resolve("to-iroh");
        iroh.call("blob-export", "hash", added.hash().toHex(), "path", dest.toString(), "format", "collection");
        for (int i = 0; i < ourNames.size(); i++) {
            assertEquals(Pattern.sha256Hex(70 + i, ourSizes[i]), Pattern.sha256Hex(Files.readAllBytes(dest.resolve(ourNames.get(i)))),
                    ourNames.get(i));
        }
    }

    @Test
    void rangeRequestsBothWays() throws Exception {
        int size = 1 << 20;
        ChunkRanges wanted = ChunkRanges.of(3, 5).union(ChunkRanges.of(40, 41)).union(ChunkRanges.of(1000, 1024));
        byte[] data = Pattern.bytes(7, size);
        Outboard ob = Outboard.compute(data);
        byte[] expected = BaoEncoder.encode(data, ob, wanted);

        // Java asks iroh for ranges: the store ends up with exactly those chunks.
        Hash h = Hash.parse(iroh.call("blob-add", IrohPeer.params("pattern", Pattern.json(7, size))).get("hashHex").asText());
        String irohTicket = iroh.call("blob-ticket", "hash", h.toHex(), "format", "raw").get("ticket").asText();
        BlobTicket t = BlobTicket.parse(irohTicket);
        ours.blobs.downloader().downloadRanges(h, wanted, List.of(t.provider()), DownloadListener.NONE);
        BlobStatus.Partial p = assertInstanceOf(BlobStatus.Partial.class, ours.store.status(h));
        assertEquals(wanted, p.present());
        // ... and the raw response is byte for byte what our encoder makes.
        Connection conn = ours.endpoint.connect(t.provider(), BlobsProtocol.ALPN);
        try {
            BiStream s = conn.openBi();
            s.send().writeAll(GetRequest.ranges(h, wanted).encode());
            s.send().finish();
            assertArrayEquals(expected, s.recv().readToEnd(1 << 22));
        } finally {
            conn.close(0, "");
        }

        // iroh asks Java for ranges over a raw stream: the same bytes.
        ours.blobs.add(data);
        JsonNode c = iroh.call("connect", "addr", javaAddr(), "alpn", BlobsProtocol.ALPN);
        int connId = c.get("conn").asInt();
        int stream = iroh.call("open-bi", "conn", connId).get("stream").asInt();
        iroh.call("write", "stream", stream, "hex", Hex.encode(GetRequest.ranges(h, wanted).encode()));
        iroh.call("finish", "stream", stream);
        JsonNode resp = iroh.call("read-to-end", "stream", stream);
        assertEquals(expected.length, resp.get("len").asInt());
        assertEquals(Pattern.sha256Hex(expected), resp.get("sha256").asText());
        // An unknown hash: FIN and nothing else, as iroh's own provider answers.
        int s2 = iroh.call("open-bi", "conn", connId).get("stream").asInt();
        iroh.call("write", "stream", s2, "hex", Hex.encode(GetRequest.single(Hash.of(new byte[] {4, 2})).encode()));
        iroh.call("finish", "stream", s2);
        assertEquals(0, iroh.call("read-to-end", "stream", s2).get("len").asInt());
        iroh.call("close", "conn", connId);
    }

    /**
     * What iroh's own provider does with requests it cannot read: FIN with no bytes, the same as for an unknown
     * hash (ours resets with ERR_MALFORMED instead, so a client can tell the two apart; see BlobsProtocolTest).
     */
    @Test
    void irohProviderOnBadRequests() throws Exception {
        Hash h = Hash.parse(iroh.call("blob-add", IrohPeer.params("pattern", Pattern.json(3, 100))).get("hashHex").asText());
        BlobTicket t = BlobTicket.parse(iroh.call("blob-ticket", "hash", h.toHex(), "format", "raw").get("ticket").asText());
        Connection conn = ours.endpoint.connect(t.provider(), BlobsProtocol.ALPN);
        try {
            for (byte[] bad : List.of(new byte[] {0, 1, 2}, new byte[] {9, 9, 9, 9}, new byte[0])) {
                BiStream s = conn.openBi();
                s.send().writeAll(bad);
                s.send().finish();
                assertEquals(0, s.recv().readToEnd(1 << 20).length, Hex.encode(bad));
            }
            BiStream s = conn.openBi();
            s.send().writeAll(GetRequest.single(h).encode());
            s.send().finish();
            assertEquals(108, s.recv().readToEnd(1 << 20).length, "the connection still serves");
        } finally {
            conn.close(0, "");
        }
    }

    @Test
    void unknownHashesFailCleanlyBothWays() {
        Hash unknown = Hash.of(new byte[] {9, 9, 9});
        String irohTicket = iroh.call("blob-ticket", "hash", unknown.toHex(), "format", "raw").get("ticket").asText();
        DownloadException e = assertThrows(DownloadException.class,
                () -> ours.blobs.download(BlobTicket.parse(irohTicket), DownloadListener.NONE));
        assertTrue(e.getMessage().contains("does not have blob " + unknown), e.getMessage());
        assertEquals(List.of(ProviderFailure.Kind.NOT_FOUND),
                e.providerFailures().stream().map(ProviderFailure::kind).toList(), "iroh's FIN without bytes");
        assertEquals(BlobStatus.ABSENT, ours.store.status(unknown));

        String ourTicket = ours.blobs.ticket(HashAndFormat.raw(unknown)).toString();
        JsonNode r = iroh.attempt("blob-download", "ticket", ourTicket);
        assertFalse(r.get("ok").asBoolean(), r.toString());
        // Our FIN-without-bytes reads to iroh as its own provider's "not found".
        assertTrue(r.get("error").asText().endsWith("failed: Hash not found"), r.toString());
        assertFalse(iroh.call("blob-has", "hash", unknown.toHex()).get("has").asBoolean());
    }

    private ObjectNode javaAddr() {
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.put("id", ours.endpoint.id().toString());
        ArrayNode addrs = a.putArray("addrs");
        ours.endpoint.addr().ipAddrs().forEach(x -> addrs.add(x.getAddress().getHostAddress() + ":" + x.getPort()));
        return a;
    }

    private static String sha256(com.kafkaconnectiroh.p2p.blobs.store.BlobReader r) throws IOException {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (long pos = 0; pos < r.size(); ) {
                int n = (int) Math.min(buf.length, r.size() - pos);
                r.readFully(pos, buf, 0, n);
                md.update(buf, 0, n);
                pos += n;
            }
            return Hex.encode(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
