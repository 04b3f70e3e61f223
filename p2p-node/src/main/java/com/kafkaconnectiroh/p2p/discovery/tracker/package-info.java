/**
 * iroh's content tracker protocol ({@code n0/tracker/1}, crate {@code iroh-content-discovery}): signed "I have hash
 * H" announcements and "who has H?" queries. {@link com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages} is
 * the postcard codec, {@link com.kafkaconnectiroh.p2p.discovery.tracker.Tracker} the tracker (a protocol handler,
 * bounded in memory), {@link com.kafkaconnectiroh.p2p.discovery.tracker.TrackerClient} announce and query.
 */
package com.kafkaconnectiroh.p2p.discovery.tracker;
