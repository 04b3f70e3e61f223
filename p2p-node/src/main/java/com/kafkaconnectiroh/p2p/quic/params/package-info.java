/** Transport parameters (RFC 9000 §18): encoding, decoding and validation. */
package com.kafkaconnectiroh.p2p.quic.params;
