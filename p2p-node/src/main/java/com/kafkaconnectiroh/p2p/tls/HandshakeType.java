package com.kafkaconnectiroh.p2p.tls;

/** Handshake message types (RFC 8446 §4) that occur in a QUIC handshake, plus the HRR transcript stand-in. */
final class HandshakeType {
    static final int CLIENT_HELLO = 1;
    static final int SERVER_HELLO = 2;
    static final int NEW_SESSION_TICKET = 4;
    static final int END_OF_EARLY_DATA = 5;
    static final int ENCRYPTED_EXTENSIONS = 8;
    static final int CERTIFICATE = 11;
    static final int CERTIFICATE_REQUEST = 13;
    static final int CERTIFICATE_VERIFY = 15;
    static final int FINISHED = 20;
    static final int KEY_UPDATE = 24;
    /** RFC 8446 §4.4.1: replaces ClientHello1 in the transcript after a HelloRetryRequest. */
    static final int MESSAGE_HASH = 254;

    private HandshakeType() {
    }

    static String name(int type) {
        switch (type) {
            case CLIENT_HELLO:
                return "ClientHello";
            case SERVER_HELLO:
                return "ServerHello";
            case NEW_SESSION_TICKET:
                return "NewSessionTicket";
            case END_OF_EARLY_DATA:
                return "EndOfEarlyData";
            case ENCRYPTED_EXTENSIONS:
                return "EncryptedExtensions";
            case CERTIFICATE:
                return "Certificate";
            case CERTIFICATE_REQUEST:
                return "CertificateRequest";
            case CERTIFICATE_VERIFY:
                return "CertificateVerify";
            case FINISHED:
                return "Finished";
            case KEY_UPDATE:
                return "KeyUpdate";
            default:
                return "handshake message type " + type;
        }
    }
}
