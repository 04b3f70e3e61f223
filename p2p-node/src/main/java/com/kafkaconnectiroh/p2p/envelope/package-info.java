/**
 * The bridge envelope: how a gossip message carries a Kafka record's key, headers and origin, and how any message
 * refers to a blob instead of holding its content (a claim check). The source connector reads it, the sink writes
 * it, and the CLI can send and show it, so iroh applications that speak it need nothing from Kafka.
 *
 * <p>A message that does not start with {@link EnvelopeCodec#MAGIC} is not an envelope: its bytes are the payload
 * as they are. The format is documented, byte by byte, in {@code docs/envelope.md}.
 */
package com.kafkaconnectiroh.p2p.envelope;
