/**
 * A local Kafka for trying and testing the plugin without Docker: a single-node KRaft broker and stock Kafka Connect
 * workers (distributed mode), each a child JVM running Kafka's own main classes on the jars of the Kafka 4.3.1
 * distribution (resolved by Maven into {@code kafka-dist/target/kafka/libs}), with the plugin zip unpacked into
 * their {@code plugin.path}. Nothing of ours is on the workers' class path: they load the connectors exactly as a
 * production worker does.
 */
package com.kafkaconnectiroh.stack;
