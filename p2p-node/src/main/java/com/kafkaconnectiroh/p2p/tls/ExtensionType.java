package com.kafkaconnectiroh.p2p.tls;

/** TLS extension code points we send or inspect (IANA TLS ExtensionType Values). */
final class ExtensionType {
    static final int SERVER_NAME = 0;
    static final int SUPPORTED_GROUPS = 10;
    static final int SIGNATURE_ALGORITHMS = 13;
    static final int ALPN = 16;
    /** RFC 7250 §3. */
    static final int CLIENT_CERTIFICATE_TYPE = 19;
    static final int SERVER_CERTIFICATE_TYPE = 20;
    static final int PRE_SHARED_KEY = 41;
    static final int EARLY_DATA = 42;
    static final int SUPPORTED_VERSIONS = 43;
    static final int COOKIE = 44;
    static final int KEY_SHARE = 51;
    /** RFC 9001 §8.2. */
    static final int QUIC_TRANSPORT_PARAMETERS = 0x39;

    private ExtensionType() {
    }

    static String name(int type) {
        switch (type) {
            case SERVER_NAME:
                return "server_name";
            case SUPPORTED_GROUPS:
                return "supported_groups";
            case SIGNATURE_ALGORITHMS:
                return "signature_algorithms";
            case ALPN:
                return "application_layer_protocol_negotiation";
            case CLIENT_CERTIFICATE_TYPE:
                return "client_certificate_type";
            case SERVER_CERTIFICATE_TYPE:
                return "server_certificate_type";
            case PRE_SHARED_KEY:
                return "pre_shared_key";
            case EARLY_DATA:
                return "early_data";
            case SUPPORTED_VERSIONS:
                return "supported_versions";
            case COOKIE:
                return "cookie";
            case KEY_SHARE:
                return "key_share";
            case QUIC_TRANSPORT_PARAMETERS:
                return "quic_transport_parameters";
            default:
                return "extension " + type;
        }
    }
}
