package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import java.util.Objects;

/**
 * How one provider failed a download, typed so a caller can act on it (try later, try another provider, give up
 * on the content) without reading the text. {@code detail} is the human line (what {@link DownloadException#failures()}
 * prints after the provider's short id).
 */
public record ProviderFailure(EndpointId provider, Kind kind, String detail) {
    public enum Kind {
        /** Could not connect: no answer on any address, handshake refused, another key answered, dial timed out. */
        UNREACHABLE,
        /** The provider is this endpoint itself; it was not dialed. */
        SELF,
        /** The provider ended its answer where the blob (or a child of a hash sequence) would begin. */
        NOT_FOUND,
        /** The provider reset the response stream (or stopped the request stream); the detail names its code. */
        RESET,
        /** The connection ended (closed by the peer, idle timeout, endpoint closing) during the exchange. */
        CONNECTION_LOST,
        /** No progress within the endpoint's operation timeout (a stalled response, no stream credit). */
        TIMEOUT,
        /** The response ended inside a blob: what came verified and is kept, the rest is missing. */
        TRUNCATED,
        /**
         * Data that fails verification (a parent or leaf hash mismatch, an impossible size) or a size claim that
         * contradicts one already proven. The bad item is never stored.
         */
        VERIFICATION_FAILED,
        /** This thread was interrupted while it waited on the provider (the download is being cancelled). */
        INTERRUPTED,
    }

    public ProviderFailure {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    /** The line {@link DownloadException#failures()} holds: {@code <short id>: <detail>}. */
    public String line() {
        return provider.fmtShort() + ": " + detail;
    }

    @Override
    public String toString() {
        return line() + " [" + kind + "]";
    }
}
