package com.kafkaconnectiroh.connect.common;

/**
 * Kafka header names the source writes and the sink reads back (docs/connectors.md, "Headers"). Values are strings
 * (UTF-8), so any header converter shows them. The {@code iroh.} prefix is reserved: the sink does not forward these
 * headers into envelopes, and the source drops {@code iroh.}-prefixed headers that arrive inside an envelope, so a
 * record that crosses both ways carries only the metadata of its last hop.
 */
public final class BridgeHeaders {
    public static final String PREFIX = "iroh.";

    /** The gossip topic id (64 hex) the message was received on. */
    public static final String GOSSIP_TOPIC = "iroh.gossip.topic";
    /** The neighbor (endpoint id, 64 hex) that delivered the message to us; not necessarily its author. */
    public static final String GOSSIP_FROM = "iroh.gossip.from";
    /** The gossip message id: BLAKE3 of the message bytes, 64 hex (iroh-gossip's rule). */
    public static final String GOSSIP_MESSAGE_ID = "iroh.gossip.message.id";
    /** What the record value holds: see {@link ValueKind}. */
    public static final String VALUE_KIND = "iroh.value.kind";
    /** The referenced blob: hash (64 hex), format (raw | hash-seq), size in bytes, and a blob ticket to fetch it. */
    public static final String BLOB_HASH = "iroh.blob.hash";
    public static final String BLOB_FORMAT = "iroh.blob.format";
    public static final String BLOB_SIZE = "iroh.blob.size";
    public static final String BLOB_TICKET = "iroh.blob.ticket";
    /** Why a referenced blob is not in the value although inline fetching was asked for. */
    public static final String BLOB_ERROR = "iroh.blob.error";
    /** Why a message was written as it came although it looked like an envelope (errors.tolerance=all). */
    public static final String ERROR = "iroh.error";
    /** A document entry's namespace (document id), author, timestamp (microseconds), content hash and length. */
    public static final String DOC_NAMESPACE = "iroh.doc.namespace";
    public static final String DOC_AUTHOR = "iroh.doc.author";
    public static final String DOC_TIMESTAMP = "iroh.doc.timestamp";
    public static final String DOC_CONTENT_HASH = "iroh.doc.content.hash";
    public static final String DOC_CONTENT_LEN = "iroh.doc.content.len";
    /** Where a record bridged by the sink was read from (envelope origin): Kafka topic, partition, offset. */
    public static final String ORIGIN_TOPIC = "iroh.origin.topic";
    public static final String ORIGIN_PARTITION = "iroh.origin.partition";
    public static final String ORIGIN_OFFSET = "iroh.origin.offset";

    /** Values of {@link #VALUE_KIND}. */
    public enum ValueKind {
        /** The gossip message's bytes (not an envelope). */
        MESSAGE("message"),
        /** The inline value of an envelope. */
        INLINE("inline"),
        /** A blob's content, fetched and verified. */
        BLOB("blob"),
        /** A blob ticket (UTF-8 text) instead of the content: too large to inline, not fetched, or the fetch failed. */
        BLOB_TICKET("blob-ticket"),
        /** No value (a tombstone carried by an envelope). */
        NONE("none");

        private final String text;

        ValueKind(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private BridgeHeaders() {
    }

    public static boolean isBridgeHeader(String name) {
        return name.startsWith(PREFIX);
    }
}
