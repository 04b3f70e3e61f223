package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;

/**
 * A gossip message as the task received it. {@code id} is the gossip message id, BLAKE3 of the content (the
 * protocol's rule), so it is a {@link Hash}.
 */
record ReceivedMessage(TopicId topic, byte[] content, Hash id, EndpointId deliveredFrom) {
    static ReceivedMessage of(TopicId topic, byte[] content, EndpointId from) {
        return new ReceivedMessage(topic, content, Hash.of(content), from);
    }
}
