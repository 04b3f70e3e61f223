package com.kafkaconnectiroh.p2p.docs.proto;

/**
 * What one sync session did: entries received (and of those, stored or refused as invalid), entries sent, and
 * the newest timestamp per author among the valid entries received (what a {@code SyncReport} announces).
 */
public record SyncOutcome(int received, int inserted, int rejected, int sent, AuthorHeads headsReceived) {
}
