package com.kafkaconnectiroh.p2p.relay.ws;

/**
 * A peer broke RFC 6455: the connection must end, telling the peer {@link #closeCode()} (RFC 6455 §7.4.1: 1002
 * protocol error, 1007 invalid data, 1008 policy violation, 1009 message too big).
 */
public final class WebSocketException extends Exception {
    public static final int PROTOCOL_ERROR = 1002;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;

    private final int closeCode;

    public WebSocketException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }
}
