package com.kafkaconnectiroh.connect.sink;

import com.kafkaconnectiroh.connect.common.TaskIdentity;
import com.kafkaconnectiroh.p2p.docs.Doc;
import com.kafkaconnectiroh.p2p.docs.DocBatch;
import com.kafkaconnectiroh.p2p.docs.proto.Author;
import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.EntryKeyText;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import com.kafkaconnectiroh.p2p.docs.store.InsertException;
import com.kafkaconnectiroh.p2p.docs.store.InsertOutcome;
import com.kafkaconnectiroh.p2p.node.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sink.mode=doc: records into one iroh document. A put's records are one {@link DocBatch}: entries (key → content,
 * tombstone → the key deleted as iroh deletes, by prefix) and the next Kafka offset of each partition in the
 * document's metadata, committed together (one fsync, all or nothing). {@link #storedOffset} reads them back, so
 * after any restart the task resumes right after what the document holds: nothing is written twice, nothing lost.
 */
final class DocWriter {
    private static final Logger LOG = LoggerFactory.getLogger(DocWriter.class);
    static final String OFFSET_META_PREFIX = "kafka-connect-iroh/offset/";

    private final Doc doc;
    private final Author author;

    private DocWriter(Doc doc, Author author) {
        this.doc = doc;
        this.author = author;
    }

    /**
     * The configured document (its write ticket), or the one this connector created before (id kept in
     * {@code <iroh.data.dir>/connectors/<name>/sink-doc}), or a new one.
     */
    static DocWriter open(IrohSinkTaskConfig config, Node node) throws IOException {
        Doc doc;
        Optional<DocTicket> ticket = config.docTicket();
        if (ticket.isPresent()) {
            doc = node.docs().join(ticket.get());
        } else {
            Path file = config.dataDir().resolve("connectors").resolve(TaskIdentity.pathSafe(config.connectorName()))
                    .resolve("sink-doc");
            Optional<Doc> earlier = Files.exists(file)
                    ? node.docs().open(NamespaceId.parse(Files.readString(file, StandardCharsets.UTF_8).trim()))
                    : Optional.empty();
            if (earlier.isPresent()) {
                doc = earlier.get();
            } else {
                doc = node.docs().create();
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling("sink-doc.tmp");
                Files.writeString(tmp, doc.id().toString() + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!doc.isWritable()) {
            throw new ConnectException("document " + doc.id() + " is read-only here: doc.ticket must be a write ticket "
                    + "(doc share write)");
        }
        if (!config.peers().isEmpty()) {
            doc.startSync(config.peers());
        }
        Author author = config.docAuthor().orElse(null);
        if (author != null) {
            node.docs().importAuthor(author);
        } else {
            author = node.docs().defaultAuthor();
        }
        LOG.info("writing records into document {} as author {}; readers join with {}", doc.id(), author.id(),
                doc.share(false));
        return new DocWriter(doc, author);
    }

    Doc doc() {
        return doc;
    }

    /** The next offset to consume for {@code tp}, as the document's metadata says, if it has written any. */
    Optional<Long> storedOffset(TopicPartition tp) {
        return doc.meta(metaName(tp)).map(b -> ByteBuffer.wrap(b).getLong());
    }

    static String metaName(TopicPartition tp) {
        return OFFSET_META_PREFIX + tp.topic() + "/" + tp.partition();
    }

    /** A batch for one put. */
    Batch batch() {
        return new Batch(doc.batch());
    }

    final class Batch {
        private final DocBatch batch;

        private Batch(DocBatch batch) {
            this.batch = batch;
        }

        void set(byte[] key, byte[] value) throws IOException, InsertException {
            batch.set(author, key, value);
        }

        /** iroh-docs deletes by prefix: entries of this author under {@code key} go (docs/connectors.md). */
        void delete(byte[] key) {
            batch.delete(author, key);
        }

        void offset(TopicPartition tp, long next) {
            batch.meta(metaName(tp), ByteBuffer.allocate(8).putLong(next).array());
        }

        int size() {
            return batch.size();
        }

        /**
         * Commits; a deletion that removed more than one entry (iroh deletes by prefix, so a tombstone for
         * {@code k-7} also removes {@code k-70}) is logged, so that it is never silent.
         */
        void commit() throws InsertException {
            for (InsertOutcome o : batch.commitOutcomes()) {
                if (o.entry().isEmpty() && o.removed() > 1) {
                    LOG.warn("deleting key {} removed {} entries of author {} in document {}: iroh-docs deletes by "
                            + "prefix, every key that starts with it (docs/connectors.md, sink mode doc)",
                            EntryKeyText.display(o.entry().key()), o.removed(), author.id().fmtShort(), doc.id().fmtShort());
                }
            }
        }
    }
}
