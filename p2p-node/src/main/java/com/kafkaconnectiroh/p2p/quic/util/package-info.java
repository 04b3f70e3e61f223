/** Allocation-free collections used on the packet path: range sets and a long-keyed hash map. */
package com.kafkaconnectiroh.p2p.quic.util;
