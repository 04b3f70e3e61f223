/**
 * Loss recovery and congestion control (RFC 9002, RFC 9438): RTT estimation, sent-packet tracking, CUBIC and
 * NewReno, pacing, and datagram path MTU discovery (RFC 8899 style).
 */
package com.kafkaconnectiroh.p2p.quic.recovery;
