package com.kafkaconnectiroh.p2p.interop;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A harness command failed ({@code ok:false}), timed out, or the harness process could not start or died.
 * {@link #response()} holds the harness's answer when there was one.
 */
public final class IrohHarnessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient JsonNode response;

    IrohHarnessException(String message) {
        this(message, null, null);
    }

    IrohHarnessException(String message, Throwable cause) {
        this(message, null, cause);
    }

    IrohHarnessException(String message, JsonNode response, Throwable cause) {
        super(message, cause);
        this.response = response;
    }

    /** The harness's {@code ok:false} response, or null when the failure was a timeout or a dead process. */
    public JsonNode response() {
        return response;
    }

    /** The harness's error text, or the message when there was no response. */
    public String harnessError() {
        return response != null && response.hasNonNull("error") ? response.get("error").asText() : getMessage();
    }

    /** Kind of a stream error ("reset", "stopped", "too-long", "connection-lost", "closed-stream"), or null. */
    public String streamErrorKind() {
        return response != null && response.has("streamError") ? response.get("streamError").path("kind").asText(null) : null;
    }
}
