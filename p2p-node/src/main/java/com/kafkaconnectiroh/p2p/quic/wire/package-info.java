/** QUIC's wire primitives: varints, byte cursors, transport error codes (RFC 9000 §16, §20). */
package com.kafkaconnectiroh.p2p.quic.wire;
