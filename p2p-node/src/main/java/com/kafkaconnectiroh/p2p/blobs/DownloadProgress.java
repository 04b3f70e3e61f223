package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.base.EndpointId;

/**
 * A step of a download, for progress displays and logs. {@code verifiedBytes} / {@code totalBytes} cover every
 * blob of the download known so far (the root, then each child once its size is known), counting what was
 * already stored; {@code totalBytes} is -1 until a size is known. {@code hash}/{@code index} name the blob the
 * event is about (index 0 the root, i child i−1), {@code provider} the provider involved, if any.
 */
public record DownloadProgress(Phase phase, EndpointId provider, Hash hash, long index, long verifiedBytes,
                               long totalBytes, String message) {
    public enum Phase {
        /** Dialing a provider. */
        CONNECTING,
        /** A request was sent. */
        REQUESTING,
        /** Verified data arrived and was stored. */
        RECEIVING,
        /** A blob is complete (verified and stored). */
        BLOB_DONE,
        /** A provider failed (unreachable, lacks the data, sent bad data); the next one continues. */
        PROVIDER_FAILED,
        /** Everything is complete. */
        DONE,
    }

    @Override
    public String toString() {
        return phase + (provider == null ? "" : " " + provider.fmtShort()) + (hash == null ? "" : " " + hash.fmtShort())
                + " " + verifiedBytes + "/" + totalBytes + (message == null ? "" : " " + message);
    }
}
