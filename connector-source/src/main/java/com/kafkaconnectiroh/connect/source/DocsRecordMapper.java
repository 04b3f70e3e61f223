package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.connect.common.BridgeHeaders;
import com.kafkaconnectiroh.connect.common.BridgeHeaders.ValueKind;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Document entries into records (docs/connectors.md, "Documents"): key = the entry key, value = its content (or its
 * blob ticket, or null for a deletion marker: a tombstone), timestamp = the entry's (milliseconds; iroh keeps
 * microseconds, in {@code iroh.doc.timestamp}), headers with namespace, author and content; source partition and
 * offset as {@link DocsOffset}. Pure.
 */
final class DocsRecordMapper {
    private final IrohSourceConfig config;

    DocsRecordMapper(IrohSourceConfig config) {
        this.config = config;
    }

    /**
     * @param value    the content, or the ticket's bytes, or null for a deletion
     * @param kind     what the value is
     * @param ticket   the content's blob ticket (any kind but a deletion)
     * @param blobError why the content is not in the value although asked, or null
     */
    SourceRecord record(NamespaceId namespace, SignedEntry e, byte[] value, ValueKind kind, String ticket,
                        String blobError, Map<String, Object> offset) {
        ConnectHeaders h = new ConnectHeaders();
        h.addString(BridgeHeaders.DOC_NAMESPACE, namespace.toString());
        h.addString(BridgeHeaders.DOC_AUTHOR, e.author().toString());
        h.addString(BridgeHeaders.DOC_TIMESTAMP, Long.toUnsignedString(e.timestamp()));
        h.addString(BridgeHeaders.VALUE_KIND, kind.text());
        if (!e.isEmpty()) {
            h.addString(BridgeHeaders.DOC_CONTENT_HASH, e.contentHash().toHex());
            h.addString(BridgeHeaders.DOC_CONTENT_LEN, Long.toUnsignedString(e.contentLen()));
            h.addString(BridgeHeaders.BLOB_TICKET, ticket);
        }
        if (blobError != null) {
            h.addString(BridgeHeaders.BLOB_ERROR, blobError);
        }
        return new SourceRecord(DocsOffset.partition(namespace), offset, config.docsKafkaTopic(namespace), null,
                Schema.OPTIONAL_BYTES_SCHEMA, e.key(), Schema.OPTIONAL_BYTES_SCHEMA, value,
                e.timestamp() / 1000, h);
    }
}
