package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.connect.common.BridgeHeaders.ValueKind;
import com.kafkaconnectiroh.connect.common.MdcThreads;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.docs.Doc;
import com.kafkaconnectiroh.p2p.docs.DocEvent;
import com.kafkaconnectiroh.p2p.docs.DocSubscription;
import com.kafkaconnectiroh.p2p.docs.proto.AuthorId;
import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.docs.store.Change;
import com.kafkaconnectiroh.p2p.node.Node;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Documents into records: each assigned document is joined (its ticket's nodes and {@code iroh.peers} are synced
 * with, live), and one thread per document walks the node's change feed ({@code Doc.changes}) from the stored
 * offset, in order, writing each current entry once its content is here (per {@code blob.fetch}). The position
 * goes with every record ({@link DocsOffset}), so the framework commits it with the record: after a restart
 * nothing is lost, and with exactly-once source support (one transaction per poll) nothing is written twice.
 */
final class DocsSource implements SourceKind {
    private static final Logger LOG = LoggerFactory.getLogger(DocsSource.class);
    private static final int PAGE = 500;

    private final IrohSourceTaskConfig config;
    private final Node node;
    private final RecordBuffer buffer;
    private final SourceTaskMetrics metrics;
    private final OffsetStorageReader offsets;
    private final MdcThreads threads;
    private final DocsRecordMapper mapper;
    private final List<Reader> readers = new ArrayList<>();
    private final FirstFailure failure = new FirstFailure(LOG);
    private volatile boolean closed;

    DocsSource(IrohSourceTaskConfig config, Node node, RecordBuffer buffer, SourceTaskMetrics metrics,
               OffsetStorageReader offsets, MdcThreads threads) {
        this.config = config;
        this.node = node;
        this.buffer = buffer;
        this.metrics = metrics;
        this.offsets = offsets;
        this.threads = threads;
        this.mapper = new DocsRecordMapper(config);
    }

    @Override
    public void start() {
        List<EndpointAddr> peers = config.peers();
        for (DocTicket ticket : config.assignedDocs()) {
            Doc doc;
            try {
                doc = node.docs().join(ticket);
            } catch (IOException e) {
                throw new ConnectException("cannot open document " + ticket.namespace() + ": " + e.getMessage(), e);
            }
            if (!peers.isEmpty()) {
                doc.startSync(peers);
            }
            Map<String, Object> stored = offsets.offset(DocsOffset.partition(doc.id()));
            DocsOffset from = stored == null ? null : DocsOffset.parse(stored);
            Reader r = new Reader(doc, from);
            readers.add(r);
            Thread t = threads.newThread(r::run);
            t.setName("iroh-source-doc-" + doc.id().fmtShort());
            r.thread = t;
            t.start();
            LOG.info("reading document {} into Kafka topic {} from {}", doc.id(), config.docsKafkaTopic(doc.id()),
                    from == null ? "its beginning" : from.store().equals(doc.storeId()) ? "change " + from.seq()
                    : "the heads of " + from.heads().size() + " author(s) (the offset was written on another node)");
        }
    }

    /** One document's reader: the change feed from a position, in order. */
    private final class Reader {
        final Doc doc;
        final DocSubscription events;
        /** The change feed cursor on this store. */
        long seq;
        /** Entries at or below these were written before (a position from another store), else null. */
        final DocsOffset foreign;
        final Map<AuthorId, Long> heads = new HashMap<>();
        Thread thread;

        Reader(Doc doc, DocsOffset from) {
            this.doc = doc;
            this.events = doc.subscribe();
            String store = doc.storeId();
            if (from != null) {
                heads.putAll(from.heads());
            }
            this.seq = from != null && from.store().equals(store) ? from.seq() : 0;
            this.foreign = from != null && !from.store().equals(store) ? from : null;
        }

        void run() {
            try {
                while (!closed) {
                    List<Change> page = doc.changes(seq, PAGE);
                    if (page.isEmpty()) {
                        events.next(Duration.ofMillis(200)); // any event: new entries or content arrived
                        continue;
                    }
                    for (Change c : page) {
                        if (closed) {
                            return;
                        }
                        emit(c);
                        seq = c.seq();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                failure.record(new ConnectException("reading document " + doc.id() + " failed: " + e, e));
            }
        }

        private void emit(Change c) throws InterruptedException, IOException {
            SignedEntry e = c.entry();
            if (foreign != null && foreign.covers(e.author(), e.timestamp())) {
                return; // written before the task moved here
            }
            metrics.received.increment();
            heads.merge(e.author(), e.timestamp(), (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
            Map<String, Object> offset = new DocsOffset(doc.storeId(), c.seq(), heads).toMap();
            if (e.isEmpty()) {
                buffer.put(mapper.record(doc.id(), e, null, ValueKind.NONE, null, null, offset), 512 + e.key().length);
                return;
            }
            String ticket = new BlobTicket(node.addr(), HashAndFormat.raw(e.contentHash())).toString();
            long max = config.blobInlineMaxBytes();
            if (config.blobFetch() != IrohSourceConfig.BlobFetch.INLINE || e.contentLen() > max) {
                String why = config.blobFetch() == IrohSourceConfig.BlobFetch.INLINE
                        ? "content of " + e.contentLen() + " bytes is larger than blob.inline.max.bytes (" + max + ")" : null;
                buffer.put(mapper.record(doc.id(), e, ticket.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        ValueKind.BLOB_TICKET, ticket, why, offset), 1024 + e.key().length);
                return;
            }
            Optional<byte[]> content = awaitContent(e);
            if (content.isPresent()) {
                metrics.blobFetches.increment();
                metrics.blobBytesFetched.add(content.get().length);
                buffer.put(mapper.record(doc.id(), e, content.get(), ValueKind.BLOB, ticket, null, offset),
                        512 + e.key().length + content.get().length);
                return;
            }
            metrics.blobFetchFailures.increment();
            String why = "the content of entry " + new String(e.key(), java.nio.charset.StandardCharsets.UTF_8)
                    + " did not arrive within blob.fetch.timeout.ms (" + config.blobFetchTimeout().toSeconds() + " s)";
            if (!config.tolerateErrors()) {
                throw new ConnectException("document " + doc.id() + ": " + why + " (errors.tolerance=all writes its "
                        + "ticket instead)");
            }
            buffer.put(mapper.record(doc.id(), e, ticket.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    ValueKind.BLOB_TICKET, ticket, why, offset), 1024 + e.key().length);
        }

        /** The entry's content once the document's downloads brought it, or empty after the fetch timeout. */
        private Optional<byte[]> awaitContent(SignedEntry e) throws InterruptedException, IOException {
            long deadline = System.nanoTime() + config.blobFetchTimeout().toNanos();
            while (!closed) {
                Optional<byte[]> c = doc.content(e);
                if (c.isPresent() || System.nanoTime() > deadline) {
                    return c;
                }
                DocEvent ev = events.next(Duration.ofMillis(100));
                if (ev instanceof DocEvent.Lagged) {
                    LOG.debug("document {}: event queue lagged (content is checked again anyway)", doc.id().fmtShort());
                }
            }
            return Optional.empty();
        }
    }

    @Override
    public void checkHealth() {
        failure.rethrow();
    }

    @Override
    public long neighbors() {
        long n = 0;
        for (Reader r : readers) {
            n += r.doc.neighbors().size();
        }
        return n;
    }

    @Override
    public long dropped() {
        return 0; // documents are replayed, never dropped
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Reader r : readers) {
            r.events.close();
            if (r.thread != null) {
                r.thread.interrupt();
                try {
                    r.thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
