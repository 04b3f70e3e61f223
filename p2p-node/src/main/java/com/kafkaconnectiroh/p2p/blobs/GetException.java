package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.endpoint.StreamResetException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.Objects;

/**
 * A provider failed one step of a GET (iroh-blobs {@code get/error.rs}: one error per state of the exchange). The
 * message is the human line ("does not have blob …"); {@link #kind()} is what a caller acts on. Failures of this
 * node (the store cannot write, the thread is interrupted while reading) are not the provider's and are not this.
 */
final class GetException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Where the exchange was (iroh-blobs {@code get.rs}'s states, plus dialing, which is the downloader's). */
    enum Step {
        /** Dialing the provider. */
        CONNECT,
        /** Opening the request stream (waits for the provider's stream credit). */
        OPEN_STREAM,
        /** Writing the request and finishing the stream. */
        SEND_REQUEST,
        /** Reading where the next blob's size should begin (the end of the stream here means "not found"). */
        READ_HEADER,
        /** Reading a blob's BAO encoding. */
        READ_CONTENT,
        /** Verifying what came (hashes, the size against one already proven). */
        VERIFY,
    }

    private final Step step;
    private final ProviderFailure.Kind kind;

    GetException(Step step, ProviderFailure.Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.step = Objects.requireNonNull(step, "step");
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    Step step() {
        return step;
    }

    ProviderFailure.Kind kind() {
        return kind;
    }

    /** The kind of a stream operation's failure: the peer's reset or stop, a stall, an interrupt, a lost connection. */
    static ProviderFailure.Kind kindOf(IOException e) {
        if (e instanceof StreamResetException) {
            return ProviderFailure.Kind.RESET;
        }
        if (e instanceof SocketTimeoutException) {
            return ProviderFailure.Kind.TIMEOUT;
        }
        if (e instanceof InterruptedIOException) {
            return ProviderFailure.Kind.INTERRUPTED;
        }
        // ConnectionLostException (closed, idle, endpoint closing) and a stream the connection no longer knows.
        return ProviderFailure.Kind.CONNECTION_LOST;
    }
}
