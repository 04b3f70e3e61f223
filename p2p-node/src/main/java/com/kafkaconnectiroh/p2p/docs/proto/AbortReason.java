package com.kafkaconnectiroh.p2p.docs.proto;

/**
 * Why the accepting peer declined a sync (iroh-docs {@code net::AbortReason}; postcard variant = ordinal):
 * it does not sync that document, it is syncing with us already, or it failed.
 */
public enum AbortReason {
    NOT_FOUND,
    ALREADY_SYNCING,
    INTERNAL_SERVER_ERROR
}
