package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.base.EndpointId;

/**
 * What a {@link BlobsProvider} tells about its requests (iroh-blobs {@code provider::Event}, trimmed). Called on
 * the provider's worker threads; keep it quick.
 */
public interface ProviderListener {
    /** A GET arrived and decoded. */
    default void requestReceived(EndpointId peer, GetRequest request) {}

    /**
     * A GET was answered: {@code found} false if the root (or a requested child) was not here, in which case the
     * answer ended there with FIN. {@code bytesSent} counts response bytes (sizes, parents, data).
     */
    default void transferCompleted(EndpointId peer, GetRequest request, boolean found, long bytesSent) {}

    /** Sending failed or was cut short (peer stopped, connection lost, store error). */
    default void transferAborted(EndpointId peer, GetRequest request, long bytesSent, Exception cause) {}

    /** A request was refused before answering: its stream was reset with {@code code} ({@link BlobsProtocol}). */
    default void requestRejected(EndpointId peer, long code, String reason) {}

    ProviderListener NONE = new ProviderListener() {};
}
