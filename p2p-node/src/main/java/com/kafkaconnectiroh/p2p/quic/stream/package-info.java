/**
 * Stream halves (RFC 9000 §2-4): bounded send buffers with retransmission of lost ranges, reassembling receive
 * buffers bounded by flow control, and the chunked storage both use.
 */
package com.kafkaconnectiroh.p2p.quic.stream;
