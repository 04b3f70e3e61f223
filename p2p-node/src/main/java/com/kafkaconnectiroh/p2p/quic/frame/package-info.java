/** Frames (RFC 9000 §19, RFC 9221 DATAGRAM): a zero-copy parser and writers straight into packet buffers. */
package com.kafkaconnectiroh.p2p.quic.frame;
