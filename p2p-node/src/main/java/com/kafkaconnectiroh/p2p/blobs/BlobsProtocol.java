package com.kafkaconnectiroh.p2p.blobs;

/**
 * Constants of the iroh-blobs protocol as both iroh generations speak it (iroh-blobs v0.35.0
 * {@code src/protocol.rs}, v0.103.0 {@code src/protocol.rs}).
 *
 * <p>One GET per client-opened bidirectional stream: the client writes the request and finishes; the provider
 * answers with, for each requested blob in order, the u64 little-endian size and the verified BAO encoding of
 * the requested ranges, then finishes. A blob the provider does not have ends the answer: FIN with nothing
 * (more) written, as 0.35 does. The client closes the connection when done (it reads the last bytes).
 *
 * <p>Rejections reset the response stream with a code (0.35 has none; the first three are 0.103's, so iroh
 * 0.103 reports them by name): a request over {@link #MAX_REQUEST_SIZE} gets {@link #ERR_LIMIT} (and
 * STOP_SENDING with the same code), one that does not decode gets {@link #ERR_MALFORMED}, a provider-side
 * failure (a store read error, stored data that no longer verifies) {@link #ERR_INTERNAL}.
 */
public final class BlobsProtocol {
    /** The ALPN of iroh-blobs, unchanged from 0.35 to 0.103. */
    public static final String ALPN = "/iroh-bytes/4";

    /**
     * Largest request we read. 0.35 reads up to 100 MiB and 0.103 1 MiB; real GETs are tens of bytes, a few KiB
     * for a request naming many children's ranges, so 64 KiB leaves room and bounds what a peer costs us.
     */
    public static final int MAX_REQUEST_SIZE = 64 * 1024;

    /** 0.103 {@code ERR_PERMISSION}: the request is not allowed. */
    public static final long ERR_PERMISSION = 1;
    /** 0.103 {@code ERR_LIMIT}: a limit was hit (request too large, too many concurrent requests). */
    public static final long ERR_LIMIT = 2;
    /** 0.103 {@code ERR_INTERNAL}: the provider failed while answering. */
    public static final long ERR_INTERNAL = 3;
    /** Ours: the request did not decode as an iroh-blobs GET. */
    public static final long ERR_MALFORMED = 4;

    private BlobsProtocol() {}

    /** A name for a reset code, for error messages. */
    public static String codeName(long code) {
        return switch ((int) Math.min(code, Integer.MAX_VALUE)) {
            case 0 -> "0";
            case 1 -> "ERR_PERMISSION (1)";
            case 2 -> "ERR_LIMIT (2)";
            case 3 -> "ERR_INTERNAL (3)";
            case 4 -> "ERR_MALFORMED (4)";
            default -> Long.toString(code);
        };
    }
}
