package com.kafkaconnectiroh.p2p.blobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.blobs.ProviderFailure.Kind;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoDecoder;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEncoder;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEvent;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoItem;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoTree;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.bao.Outboard;
import com.kafkaconnectiroh.p2p.blobs.bao.RangeSpecSeq;
import com.kafkaconnectiroh.p2p.blobs.bao.ResponseTraversal;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStatus;
import com.kafkaconnectiroh.p2p.blobs.store.FsBlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.GcResult;
import com.kafkaconnectiroh.p2p.blobs.store.MemBlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.StreamResetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our provider and downloader against each other over real QUIC on loopback. */
class BlobsProtocolTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path tmp;

    private <T extends AutoCloseable> T track(T t) {
        open.add(t);
        return t;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    static byte[] data(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void rawBlobsOfEverySizeArriveVerified() throws Exception {
        BlobPeer provider = track(BlobPeer.start());
        BlobPeer client = track(BlobPeer.start());
        for (int size : new int[] {0, 1, 1024, 1025, 16384, 16385, 1 << 20, 3_000_001}) {
            byte[] d = data(size, size);
            Blobs.AddOutcome added = provider.blobs.add(d);
            assertEquals(Hash.of(d), added.hash());
            assertTrue(added.tag().startsWith("auto-"));
            List<DownloadProgress> events = new CopyOnWriteArrayList<>();
            DownloadResult r = client.blobs.download(provider.blobs.ticket(added.content()), events::add);
            assertEquals(size, r.totalBytes());
            assertEquals(size, r.receivedBytes());
            assertTrue(r.wireBytes() >= size + 8);
            assertArrayEquals(d, client.blobs.read(added.hash()), "size " + size);
            assertEquals(added.content(), client.store.tag(r.tag()).orElseThrow());
            DownloadProgress last = events.get(events.size() - 1);
            assertEquals(DownloadProgress.Phase.DONE, last.phase());
            assertEquals(size, last.verifiedBytes());
            assertEquals(size, last.totalBytes());
            assertEquals(DownloadProgress.Phase.CONNECTING, events.get(0).phase());
            assertTrue(events.stream().anyMatch(e -> e.phase() == DownloadProgress.Phase.BLOB_DONE));
            long prev = -1;
            for (DownloadProgress e : events) {
                assertTrue(e.verifiedBytes() >= prev, events.toString());
                prev = e.verifiedBytes();
            }
            // Already here: nothing is fetched again.
            DownloadResult again = client.blobs.download(provider.blobs.ticket(added.content()), DownloadListener.NONE);
            assertEquals(0, again.receivedBytes());
        }
        assertEquals(List.of(GetRequest.single(Hash.of(data(0, 0))).hash()), List.of(provider.requests.get(0).hash()));
        assertEquals(GetRequest.ranges(Hash.of(data(0, 0)), ChunkRanges.all()), provider.requests.get(0));
    }

    @Test
    void collectionsArriveWithAllChildren() throws Exception {
        BlobPeer provider = track(BlobPeer.start());
        BlobPeer client = track(BlobPeer.start());
        List<String> names = List.of("a.txt", "dir/b.bin", "empty", "same-as-a.txt");
        byte[] a = data(5000, 1);
        List<byte[]> contents = List.of(a, data(200_000, 2), new byte[0], a);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Path f = tmp.resolve("src" + i);
            Files.write(f, contents.get(i));
            files.add(f);
        }
        Blobs.AddOutcome col = provider.blobs.addFiles(names, files, TagOption.named("my-files"));
        assertEquals(BlobFormat.HASH_SEQ, col.content().format());
        // A child is already here: only the others travel.
        client.blobs.add(data(200_000, 2));
        DownloadResult r = client.blobs.download(provider.blobs.ticket(col.content()), DownloadListener.NONE);
        assertEquals(5, r.blobs(), "hash sequence, meta and three distinct entries (one is listed twice)");
        Collection got = client.blobs.collection(col.hash());
        assertEquals(names, got.entries().stream().map(Collection.Entry::name).toList());
        List<Path> out = client.blobs.exportCollection(col.hash(), tmp.resolve("out"));
        for (int i = 0; i < names.size(); i++) {
            assertArrayEquals(contents.get(i), Files.readAllBytes(out.get(i)), names.get(i));
            assertEquals(tmp.resolve("out").resolve(names.get(i)), out.get(i));
        }
        // Two requests: the root, then the children still missing (not b.bin, not a's second listing).
        assertEquals(2, provider.requests.size());
        RangeSpecSeq children = provider.requests.get(1).ranges();
        assertTrue(children.get(0).isEmpty());
        assertTrue(children.get(1).isAll(), "meta");
        assertTrue(children.get(2).isAll(), "a.txt");
        assertTrue(children.get(3).isEmpty(), "b.bin is here already");
        assertTrue(children.get(4).isAll(), "empty");
        assertTrue(children.get(5).isEmpty(), "a.txt again");
        // The tag on the hash sequence keeps the children through garbage collection.
        client.store.gc();
        assertArrayEquals(a, client.blobs.read(got.entries().get(0).hash()));
        assertThrows(IOException.class, () -> Blobs.safeChild(tmp, "../escape"));
        assertThrows(IOException.class, () -> Blobs.safeChild(tmp, "/etc/passwd"));
        assertThrows(IOException.class, () -> Blobs.safeChild(tmp, "a//b"));
    }

    @Test
    void rangeRequestsReturnExactlyTheRequestedChunks() throws Exception {
        BlobPeer provider = track(BlobPeer.start());
        BlobPeer client = track(BlobPeer.start());
        byte[] d = data(1 << 20, 3);
        Hash h = provider.blobs.add(d).hash();
        ChunkRanges middle = ChunkRanges.of(3, 5).union(ChunkRanges.of(40, 41));
        client.blobs.downloader().downloadRanges(h, middle, List.of(provider.addr()), DownloadListener.NONE);
        BlobStatus.Partial p = assertInstanceOf(BlobStatus.Partial.class, client.store.status(h));
        assertEquals(middle, p.present());
        assertFalse(p.sizeVerified());
        assertEquals(List.of(GetRequest.ranges(h, middle)), provider.requests, "one request for one range download");
        // Asking past the end brings the last chunk, the size proof, and nothing else past what exists.
        ChunkRanges wanted = middle.union(ChunkRanges.of(1000, 1024));
        client.blobs.downloader().downloadRanges(h, middle.union(ChunkRanges.from(1000)), List.of(provider.addr()),
                DownloadListener.NONE);
        p = assertInstanceOf(BlobStatus.Partial.class, client.store.status(h));
        assertEquals(wanted, p.present());
        assertTrue(p.sizeVerified(), "chunk 1023 is the last: it proves the size");
        assertEquals(GetRequest.ranges(h, ChunkRanges.from(1000)), provider.requests.get(1), "only what was missing");
        // On the wire: leaves for exactly those chunks, each verified.
        Connection c = connect(client, provider);
        try {
            BiStream s = c.openBi();
            s.send().writeAll(GetRequest.ranges(h, wanted).encode());
            s.send().finish();
            byte[] resp = s.recv().readToEnd(1 << 22);
            assertArrayEquals(BaoEncoder.encode(d, Outboard.compute(d), wanted), resp);
            ChunkRanges leaves = ChunkRanges.empty();
            for (BaoEvent e : BaoDecoder.decodeAll(h.toBytes(), wanted, resp)) {
                if (e instanceof BaoEvent.Leaf l) {
                    leaves = leaves.union(ChunkRanges.ofBytes(l.offset(), l.offset() + l.data().remaining()));
                    byte[] got = new byte[l.data().remaining()];
                    l.data().get(got);
                    assertArrayEquals(java.util.Arrays.copyOfRange(d, (int) l.offset(), (int) l.offset() + got.length), got);
                }
            }
            assertEquals(wanted, leaves);
        } finally {
            c.close();
        }
    }

    private Connection connect(BlobPeer from, BlobPeer to) throws IOException {
        return from.endpoint.connect(to.addr(), BlobsProtocol.ALPN);
    }

    /** Sends raw request bytes and returns what comes back (or the reset). */
    private static byte[] exchange(Connection c, byte[] request) throws IOException {
        BiStream s = c.openBi();
        s.send().writeAll(request);
        s.send().finish();
        return s.recv().readToEnd(1 << 20);
    }

    @Test
    void unknownMalformedAndOversizedRequestsGetCleanAnswers() throws Exception {
        BlobPeer provider = track(BlobPeer.start());
        BlobPeer client = track(BlobPeer.start());
        Hash known = provider.blobs.add(data(3000, 1)).hash();
        Hash unknown = Hash.of(new byte[] {1, 2, 3});
        Connection c = connect(client, provider);
        try {
            // Unknown hash: FIN, not one byte (as iroh 0.35).
            assertEquals(0, exchange(c, GetRequest.single(unknown).encode()).length);
            // A hash sequence request on a raw blob: its data, then FIN where the children would start.
            byte[] rootThenNothing = exchange(c, GetRequest.all(known).encode());
            assertEquals(8 + 3000, rootThenNothing.length);
            List<byte[]> malformed = List.of(
                    new byte[0],
                    new byte[] {0, 1, 2},                                      // hash cut short
                    concat(GetRequest.single(known).encode(), new byte[] {0}), // trailing byte
                    concat(new byte[] {1}, GetRequest.single(known).encode()), // Observe (0.103), not served
                    concat(new byte[] {9}, GetRequest.single(known).encode()), // GetMany (0.103)
                    concat(concat(new byte[] {0}, known.toBytes()),              // runs overflowing u64
                            new byte[] {1, 0, 2, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 5}));
            int rejected = 0;
            for (byte[] m : malformed) {
                StreamResetException e = assertThrows(StreamResetException.class, () -> exchange(c, m),
                        com.kafkaconnectiroh.p2p.base.Hex.encode(m));
                assertEquals(BlobsProtocol.ERR_MALFORMED, e.errorCode());
                assertFalse(e.stoppedByPeer());
                // The listener hears of a rejection before the peer sees the reset.
                assertEquals(++rejected, provider.rejections.size(), provider.rejections.toString());
            }
            // Oversized: the provider sends STOP_SENDING and RESET_STREAM, both ERR_LIMIT. The writer sees the stop
            // unless all of the request was buffered before it came; the reader always sees the reset.
            byte[] huge = new byte[BlobsProtocol.MAX_REQUEST_SIZE + 1000];
            BiStream s = c.openBi();
            try {
                s.send().writeAll(huge);
                s.send().finish();
            } catch (StreamResetException stopped) {
                assertTrue(stopped.stoppedByPeer());
                assertEquals(BlobsProtocol.ERR_LIMIT, stopped.errorCode());
            }
            StreamResetException e = assertThrows(StreamResetException.class, () -> s.recv().readToEnd(1 << 20));
            assertEquals(BlobsProtocol.ERR_LIMIT, e.errorCode());
            assertFalse(e.stoppedByPeer());
            java.util.OptionalLong stop = s.send().stopped().get();
            assertTrue(stop.isEmpty() || stop.getAsLong() == BlobsProtocol.ERR_LIMIT, stop.toString());
            // The connection is still fine.
            assertEquals(8 + 3000, exchange(c, GetRequest.single(known).encode()).length);
        } finally {
            c.close();
        }
        assertEquals(malformedCount() + 1, provider.rejections.size(), provider.rejections.toString());
        assertTrue(provider.rejections.get(provider.rejections.size() - 1).startsWith("2 request of more than"));
        // The downloader reports what happened per provider.
        DownloadException ex = assertThrows(DownloadException.class, () -> client.blobs.download(
                HashAndFormat.raw(unknown), List.of(provider.addr()), TagOption.auto(), DownloadListener.NONE));
        assertTrue(ex.getMessage().contains("does not have blob " + unknown), ex.getMessage());
        assertEquals(List.of(new ProviderFailure(provider.endpoint.id(), Kind.NOT_FOUND,
                "does not have blob " + unknown)), ex.providerFailures());
        assertEquals(BlobStatus.ABSENT.getClass(), client.store.status(unknown).getClass());
    }

    /**
     * A peer that opens request streams and never finishes them (slowloris) holds no worker: with 4 workers and 20
     * such streams open, another peer still downloads at once, and each unfinished request is answered with
     * ERR_LIMIT when the request timeout passes.
     */
    @Test
    void unfinishedRequestsHoldNoWorkers() throws Exception {
        BlobPeer provider = track(BlobPeer.start(new MemBlobStore(),
                new BlobsProvider.Options(4, java.time.Duration.ofSeconds(2), 0)));
        BlobPeer attacker = track(BlobPeer.start());
        BlobPeer client = track(BlobPeer.start());
        byte[] d = data(3000, 9);
        Hash h = provider.blobs.add(d).hash();
        Connection c = connect(attacker, provider);
        List<BiStream> hanging = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            BiStream s = c.openBi();
            s.send().writeAll(new byte[] {0});
            hanging.add(s);
        }
        client.blobs.download(HashAndFormat.raw(h), List.of(provider.addr()), TagOption.auto(), DownloadListener.NONE);
        assertArrayEquals(d, client.blobs.read(h));
        for (BiStream s : hanging) {
            StreamResetException e = assertThrows(StreamResetException.class, () -> s.recv().readToEnd(1 << 20));
            assertEquals(BlobsProtocol.ERR_LIMIT, e.errorCode());
        }
        assertEquals(20, provider.rejections.stream().filter(r -> r.contains("no complete request within")).count(),
                provider.rejections.toString());
        c.close();
    }

    /** A hash sequence beyond what a download follows fails clearly instead of being loaded whole. */
    @Test
    void aBlobAboveTheCallersLimitIsRefusedBeforeAnythingIsStored() throws Exception {
        BlobPeer provider = track(BlobPeer.start());
        BlobPeer client = track(BlobPeer.start());
        byte[] d = data(300_000, 3);
        Blobs.AddOutcome added = provider.blobs.add(d);
        BlobTooLargeException e = assertThrows(BlobTooLargeException.class, () -> client.blobs.downloader()
                .download(added.content(), List.of(provider.blobs.endpoint().addr()), TagOption.none(),
                        DownloadListener.NONE, 299_999));
        assertEquals(300_000, e.size());
        assertEquals(299_999, e.limit());
        BlobStatus st = client.blobs.status(added.hash());
        assertTrue(st instanceof BlobStatus.Absent || st instanceof BlobStatus.Partial p && p.present().isEmpty()
                && p.size() < 0, "nothing of it was stored: " + st);
        // At the limit it is fine.
        client.blobs.downloader().download(added.content(), List.of(provider.blobs.endpoint().addr()),
                TagOption.none(), DownloadListener.NONE, 300_000);
        assertArrayEquals(d, client.blobs.read(added.hash()));
    }

    @Test
    void anOversizedHashSequenceIsRefused() throws Exception {
        BlobPeer provider = track(BlobPeer.start());
        BlobPeer client = track(BlobPeer.start());
        byte[] seq = data((int) LocalInfo.MAX_HASH_SEQ_BYTES + Hash.LENGTH, 11);
        Hash root = provider.blobs.add(seq).hash();
        DownloadException e = assertThrows(DownloadException.class, () -> client.blobs.download(
                HashAndFormat.hashSeq(root), List.of(provider.addr()), TagOption.auto(), DownloadListener.NONE));
        assertTrue(e.getMessage().contains("has 1048577 children, more than the 1048576 this node takes"),
                e.getMessage());
        assertEquals(List.of(), e.providerFailures(), "the content's fault, no provider's");
    }

    private static int malformedCount() {
        return 6;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Where blob byte {@code offset} sits in the response to {@code ranges} (a leaf's data, after the size). */
    static long responsePosition(long size, ChunkRanges ranges, long offset) {
        long pos = 8;
        ResponseTraversal t = new ResponseTraversal(new BaoTree(size), ranges);
        while (t.hasNext()) {
            BaoItem item = t.next();
            if (item instanceof BaoItem.Leaf l) {
                if (offset >= l.offset() && offset < l.offset() + l.size()) {
                    return pos + offset - l.offset();
                }
                pos += l.size();
            } else {
                pos += BaoTree.PAIR_LEN;
            }
        }
        throw new IllegalArgumentException("offset " + offset + " not in the response");
    }

    /**
     * A provider that sends the honest response with one bit flipped at blob byte {@code corruptAt} (for the first
     * blob of a request), as a liar or a broken disk would.
     */
    static com.kafkaconnectiroh.p2p.endpoint.ProtocolHandler corrupting(byte[] d, long corruptAt, AtomicInteger served) {
        return corrupting(d, (ranges) -> responsePosition(d.length, ranges.truncate(d.length), corruptAt), served);
    }

    /** Where, in the response to some ranges, to flip a bit. */
    interface Flip {
        long position(ChunkRanges ranges);
    }

    /** Position of the first byte of the parent over chunks starting at {@code startChunk} spanning {@code chunks}. */
    static long parentPosition(long size, ChunkRanges ranges, long startChunk, long chunks) {
        long pos = 8;
        ResponseTraversal t = new ResponseTraversal(new BaoTree(size), ranges);
        while (t.hasNext()) {
            BaoItem item = t.next();
            if (item instanceof BaoItem.Parent p) {
                if (p.startChunk() == startChunk && p.chunks() == chunks) {
                    return pos;
                }
                pos += BaoTree.PAIR_LEN;
            } else {
                pos += ((BaoItem.Leaf) item).size();
            }
        }
        throw new IllegalArgumentException("no parent " + startChunk + "+" + chunks + " in the response");
    }

    /** How a test provider answers one decoded request on its stream (for failures an honest provider never shows). */
    interface Answer {
        void answer(Connection conn, BiStream stream, GetRequest request) throws Exception;
    }

    static com.kafkaconnectiroh.p2p.endpoint.ProtocolHandler answering(Answer answer) {
        return conn -> {
            while (true) {
                BiStream s;
                try {
                    s = conn.acceptBi(java.time.Duration.ZERO);
                } catch (IOException e) {
                    return;
                }
                answer.answer(conn, s, GetRequest.decode(s.recv().readToEnd(1 << 16)));
            }
        };
    }

    static com.kafkaconnectiroh.p2p.endpoint.ProtocolHandler corrupting(byte[] d, Flip flip, AtomicInteger served) {
        Outboard ob = Outboard.compute(d);
        return answering((conn, s, req) -> {
            ChunkRanges ranges = req.ranges().get(0).toChunkRanges();
            byte[] resp = BaoEncoder.encode(d, ob, ranges);
            resp[(int) flip.position(ranges)] ^= 0x10;
            served.incrementAndGet();
            s.send().writeAll(resp);
            s.send().finish();
        });
    }

    @Test
    void corruptDataIsCaughtAtTheFirstBadBlockAndAnHonestProviderFinishes() throws Exception {
        byte[] d = data(1_000_000, 4); // 62 blocks
        Hash h = Hash.of(d);
        long badBlock = 37;
        AtomicInteger served = new AtomicInteger();
        BlobPeer liar = track(BlobPeer.withHandler(corrupting(d, badBlock * BaoTree.BLOCK_LEN + 100, served)));
        BlobPeer honest = track(BlobPeer.start());
        honest.blobs.add(d);
        BlobPeer client = track(BlobPeer.start());

        // The liar alone: the download fails, nothing is complete, the blocks before the bad one are kept.
        DownloadException e = assertThrows(DownloadException.class, () -> client.blobs.download(
                HashAndFormat.raw(h), List.of(liar.addr()), TagOption.auto(), DownloadListener.NONE));
        assertTrue(e.getMessage().contains("fails verification"), e.getMessage());
        assertTrue(e.getMessage().contains("LEAF_HASH_MISMATCH"), e.getMessage());
        assertEquals(List.of(Kind.VERIFICATION_FAILED), kinds(e));
        BlobStatus.Partial p = assertInstanceOf(BlobStatus.Partial.class, client.store.status(h));
        assertEquals(ChunkRanges.of(0, badBlock * BaoTree.BLOCK_CHUNKS), p.present());
        assertFalse(p.sizeVerified());
        assertTrue(client.store.openReader(h).isEmpty());

        // Liar first, then the honest one: the honest one is asked only for what is missing.
        List<DownloadProgress> events = new CopyOnWriteArrayList<>();
        DownloadResult r = client.blobs.download(HashAndFormat.raw(h), List.of(liar.addr(), honest.addr()),
                TagOption.named("fixed"), events::add);
        assertEquals(2, served.get());
        assertTrue(events.stream().anyMatch(ev -> ev.phase() == DownloadProgress.Phase.PROVIDER_FAILED
                && ev.provider().equals(liar.endpoint.id())), events.toString());
        assertEquals(List.of(GetRequest.ranges(h, ChunkRanges.from(badBlock * BaoTree.BLOCK_CHUNKS))), honest.requests);
        assertEquals(d.length - badBlock * BaoTree.BLOCK_LEN, r.receivedBytes());
        assertArrayEquals(d, client.blobs.read(h));
    }

    @Test
    void aProviderWhoseStoredCopyIsDamagedSendsNothingBadAndStopsServingIt() throws Exception {
        byte[] d = data(2_000_000, 15);
        Hash h = Hash.of(d);
        BlobPeer provider = track(BlobPeer.start(FsBlobStore.open(tmp.resolve("provider")), BlobsProvider.Options.defaults()));
        provider.blobs.add(d);
        BlobPeer client = track(BlobPeer.start());
        // Cut behind the open store's back (a full disk, a careless truncate): what is left still hashes right.
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                tmp.resolve("provider/blobs/" + h.toHex() + ".data"), java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(1_500_000);
        }
        DownloadException e = assertThrows(DownloadException.class, () -> client.blobs.download(
                HashAndFormat.raw(h), List.of(provider.addr()), TagOption.auto(), DownloadListener.NONE));
        assertTrue(e.getMessage().contains("ERR_INTERNAL"), e.getMessage());
        assertEquals(List.of(Kind.RESET), kinds(e));
        // The client kept only verified data; the provider no longer claims the blob.
        BlobStatus.Partial p = assertInstanceOf(BlobStatus.Partial.class, client.store.status(h));
        assertTrue(p.present().difference(ChunkRanges.of(0, 1_500_000 / 1024)).isEmpty(), p.toString());
        assertInstanceOf(BlobStatus.Partial.class, provider.store.status(h));
        e = assertThrows(DownloadException.class, () -> client.blobs.download(
                HashAndFormat.raw(h), List.of(provider.addr()), TagOption.auto(), DownloadListener.NONE));
        assertTrue(e.getMessage().contains("does not have blob"), e.getMessage());
        assertEquals(List.of(Kind.NOT_FOUND), kinds(e));
    }

    @Test
    void aCorruptParentStopsTheDownloadBeforeAnythingUnderIt() throws Exception {
        byte[] d = data(1_000_000, 14); // 977 chunks: root splits at 512, its right child (465 chunks) at 256
        Hash h = Hash.of(d);
        AtomicInteger served = new AtomicInteger();
        // The parent over chunks 512..977: everything right of the middle hangs off it.
        BlobPeer liar = track(BlobPeer.withHandler(corrupting(d,
                ranges -> parentPosition(d.length, ranges.truncate(d.length), 512, 465), served)));
        BlobPeer client = track(BlobPeer.start());
        DownloadException e = assertThrows(DownloadException.class, () -> client.blobs.download(
                HashAndFormat.raw(h), List.of(liar.addr()), TagOption.auto(), DownloadListener.NONE));
        assertTrue(e.getMessage().contains("PARENT_HASH_MISMATCH"), e.getMessage());
        assertEquals(List.of(Kind.VERIFICATION_FAILED), kinds(e));
        BlobStatus.Partial p = assertInstanceOf(BlobStatus.Partial.class, client.store.status(h));
        assertEquals(ChunkRanges.of(0, 512), p.present(), "the whole left half, nothing of the right");
    }

    @Test
    void failOverPastUnreachableAndEmptyProviders() throws Exception {
        byte[] d = data(100_000, 5);
        BlobPeer empty = track(BlobPeer.start());
        BlobPeer full = track(BlobPeer.start());
        Hash h = full.blobs.add(d).hash();
        BlobPeer client = track(BlobPeer.start());
        EndpointAddr nobody = EndpointAddr.of(SecretKey.generate().publicKey(), null,
                List.of(SocketAddrs.parse("127.0.0.1:9")));
        List<DownloadProgress> events = new CopyOnWriteArrayList<>();
        DownloadResult r = client.blobs.download(HashAndFormat.raw(h), List.of(nobody, empty.addr(), full.addr()),
                TagOption.auto(), events::add);
        assertEquals(d.length, r.totalBytes());
        assertArrayEquals(d, client.blobs.read(h));
        assertEquals(2, events.stream().filter(ev -> ev.phase() == DownloadProgress.Phase.PROVIDER_FAILED).count());
    }

    private static List<Kind> kinds(DownloadException e) {
        return e.providerFailures().stream().map(ProviderFailure::kind).toList();
    }

    @Test
    void eachProviderFailureIsTypedAndItsLineIsUnchanged() throws Exception {
        byte[] d = data(100_000, 21);
        Hash h = Hash.of(d);
        Outboard ob = Outboard.compute(d);
        BlobPeer client = track(BlobPeer.start());
        EndpointAddr nobody = EndpointAddr.of(SecretKey.generate().publicKey(), null,
                List.of(SocketAddrs.parse("127.0.0.1:9")));
        BlobPeer empty = track(BlobPeer.start());
        BlobPeer resetting = track(BlobPeer.withHandler(answering((c, s, req) ->
                s.send().reset(BlobsProtocol.ERR_LIMIT))));
        // Half of the honest response, then FIN: the first part verifies and is kept.
        BlobPeer cut = track(BlobPeer.withHandler(answering((c, s, req) -> {
            byte[] r = BaoEncoder.encode(d, ob, req.ranges().get(0).toChunkRanges().truncate(d.length));
            s.send().writeAll(r, 0, r.length / 2);
            s.send().finish();
        })));
        BlobPeer closing = track(BlobPeer.withHandler(answering((c, s, req) -> c.close(7, "going away"))));
        BlobPeer liar = track(BlobPeer.withHandler(corrupting(d, 90_000, new AtomicInteger())));
        List<EndpointAddr> providers = List.of(client.addr(), nobody, empty.addr(), resetting.addr(), cut.addr(),
                closing.addr(), liar.addr());

        DownloadException e = assertThrows(DownloadException.class, () -> client.blobs.download(
                HashAndFormat.raw(h), providers, TagOption.auto(), DownloadListener.NONE));
        assertEquals(List.of(Kind.SELF, Kind.UNREACHABLE, Kind.NOT_FOUND, Kind.RESET, Kind.TRUNCATED,
                Kind.CONNECTION_LOST, Kind.VERIFICATION_FAILED), kinds(e), e.getMessage());
        assertEquals(providers.stream().map(EndpointAddr::id).toList(),
                e.providerFailures().stream().map(ProviderFailure::provider).toList());
        // The lines are what they were before the failures had kinds (the CLI prints them).
        List<String> lines = e.failures();
        assertEquals(e.providerFailures().stream().map(ProviderFailure::line).toList(), lines);
        assertEquals(client.endpoint.id().fmtShort() + ": that is this endpoint", lines.get(0));
        assertTrue(lines.get(1).startsWith(nobody.id().fmtShort() + ": cannot connect: "), lines.get(1));
        assertEquals(empty.endpoint.id().fmtShort() + ": does not have blob " + h, lines.get(2));
        assertEquals(resetting.endpoint.id().fmtShort() + ": reset the response stream with code ERR_LIMIT (2)",
                lines.get(3));
        assertTrue(lines.get(4).startsWith(cut.endpoint.id().fmtShort()
                + ": sent data that fails verification (TRUNCATED: "), lines.get(4));
        assertTrue(lines.get(6).startsWith(liar.endpoint.id().fmtShort()
                + ": sent data that fails verification (LEAF_HASH_MISMATCH: "), lines.get(6));
        assertEquals("could not download " + HashAndFormat.raw(h) + " from 7 providers: " + String.join("; ", lines),
                e.getMessage());
        // What the cut response and the liar delivered before their failures verified and is kept.
        BlobStatus.Partial p = assertInstanceOf(BlobStatus.Partial.class, client.store.status(h));
        assertFalse(p.present().isEmpty());
        assertTrue(p.present().difference(ChunkRanges.of(0, 90_000 / 1024)).isEmpty(), p.toString());
    }

    @Test
    void aProviderThatGoesSilentTimesOut() throws Exception {
        byte[] d = data(10_000, 22);
        BlobPeer silent = track(BlobPeer.withHandler(answering((c, s, req) -> { })));
        Endpoint impatient = track(Endpoint.builder()
                .bindAddr(BlobPeer.LOOPBACK).operationTimeout(java.time.Duration.ofSeconds(2)).bind());
        Blobs blobs = new Blobs(impatient, track(new MemBlobStore()));
        DownloadException e = assertThrows(DownloadException.class, () -> blobs.download(
                HashAndFormat.raw(Hash.of(d)), List.of(silent.addr()), TagOption.auto(), DownloadListener.NONE));
        assertEquals(List.of(Kind.TIMEOUT), kinds(e), e.getMessage());
        assertTrue(e.failures().get(0).startsWith(silent.endpoint.id().fmtShort() + ": stalled: "), e.getMessage());
    }

    @Test
    void concurrentDownloadsOfOneHashTakeTurnsAndAllSucceed() throws Exception {
        byte[] d = data(3_000_000, 16);
        BlobPeer slow = track(BlobPeer.start(new MemBlobStore(),
                BlobsProvider.Options.defaults().withMaxBytesPerSecond(2_000_000)));
        Hash h = slow.blobs.add(d).hash();
        BlobPeer client = track(BlobPeer.start());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            // The first holds the blob's writer while it receives; the others start then.
            CountDownLatch receiving = new CountDownLatch(1);
            List<Future<DownloadResult>> downloads = new ArrayList<>();
            downloads.add(pool.submit(() -> client.blobs.download(HashAndFormat.raw(h), List.of(slow.addr()),
                    TagOption.auto(), ev -> {
                        if (ev.phase() == DownloadProgress.Phase.RECEIVING) {
                            receiving.countDown();
                        }
                    })));
            receiving.await();
            for (int i = 0; i < 2; i++) {
                downloads.add(pool.submit(() -> client.blobs.download(HashAndFormat.raw(h), List.of(slow.addr()),
                        TagOption.auto(), DownloadListener.NONE)));
            }
            for (Future<DownloadResult> f : downloads) {
                assertEquals(d.length, f.get().totalBytes());
            }
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(d, client.blobs.read(h));
        assertEquals(1, slow.requests.size(), "the later downloads found it complete: " + slow.requests);
    }

    @Test
    void aCollectionAndOneOfItsChildrenDownloadAtOnce() throws Exception {
        byte[] d = data(3_000_000, 17);
        BlobPeer slow = track(BlobPeer.start(new MemBlobStore(),
                BlobsProvider.Options.defaults().withMaxBytesPerSecond(2_000_000)));
        Hash child = slow.blobs.add(d).hash();
        HashAndFormat col = slow.blobs.addCollection(new Collection(List.of(new Collection.Entry("f", child))),
                TagOption.auto()).content();
        BlobPeer client = track(BlobPeer.start());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // The collection's download holds the child's writer while it receives; the raw one starts then.
            CountDownLatch receiving = new CountDownLatch(1);
            Future<DownloadResult> whole = pool.submit(() -> client.blobs.download(col, List.of(slow.addr()),
                    TagOption.auto(), ev -> {
                        if (ev.phase() == DownloadProgress.Phase.RECEIVING) {
                            receiving.countDown();
                        }
                    }));
            receiving.await();
            Future<DownloadResult> one = pool.submit(() -> client.blobs.download(HashAndFormat.raw(child),
                    List.of(slow.addr()), TagOption.auto(), DownloadListener.NONE));
            assertEquals(3, whole.get().blobs());
            assertEquals(d.length, one.get().totalBytes());
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(d, client.blobs.read(child));
    }

    @Test
    void garbageCollectionNeverTakesADownloadInProgress() throws Exception {
        byte[] d = data(6_000_000, 6);
        BlobPeer slow = track(BlobPeer.start(new MemBlobStore(),
                BlobsProvider.Options.defaults().withMaxBytesPerSecond(4_000_000)));
        Hash h = slow.blobs.add(d).hash();
        BlobPeer client = track(BlobPeer.start());
        Hash junk = client.blobs.add(data(1000, 1), TagOption.none()).hash();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger collections = new AtomicInteger();
        AtomicBoolean seen = new AtomicBoolean();
        List<String> problems = new CopyOnWriteArrayList<>();
        Thread gc = new Thread(() -> {
            while (!stop.get()) {
                try {
                    GcResult r = client.store.gc();
                    collections.incrementAndGet();
                    BlobStatus st = client.store.status(h);
                    if (st instanceof BlobStatus.Absent) {
                        if (seen.get()) {
                            problems.add("gc removed the blob being downloaded");
                        }
                    } else {
                        seen.set(true);
                    }
                    Thread.sleep(5);
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            }
        });
        gc.start();
        try {
            client.blobs.download(HashAndFormat.raw(h), List.of(slow.addr()), TagOption.named("keep"), DownloadListener.NONE);
        } finally {
            stop.set(true);
            gc.join();
        }
        assertTrue(collections.get() > 20, "gc ran " + collections.get() + " times");
        assertTrue(seen.get());
        assertEquals(List.of(), problems);
        assertEquals(BlobStatus.ABSENT, client.store.status(junk), "untagged blobs go");
        client.store.gc();
        assertArrayEquals(d, client.blobs.read(h));
        assertNotNull(client.store.tag("keep").orElse(null));
    }
}
