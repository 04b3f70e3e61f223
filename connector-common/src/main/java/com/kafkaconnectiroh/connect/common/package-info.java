/**
 * What the source and sink connectors share, written once: the {@code iroh.*} node settings
 * ({@link com.kafkaconnectiroh.connect.common.IrohConnectorConfig}), each task's identity and the embedded node that
 * tasks of one identity share in a worker ({@link com.kafkaconnectiroh.connect.common.TaskNodes}), the bridge
 * headers both sides read and write ({@link com.kafkaconnectiroh.connect.common.BridgeHeaders}), metrics, and
 * threads that carry the worker's logging context. Everything Kafka-free lives in {@code p2p-node}.
 */
package com.kafkaconnectiroh.connect.common;
