/**
 * {@link com.kafkaconnectiroh.p2p.node.Node}: one endpoint with the protocols a connector needs (blobs, gossip,
 * iroh-ping) behind one router, built and shut down as a unit.
 */
package com.kafkaconnectiroh.p2p.node;
