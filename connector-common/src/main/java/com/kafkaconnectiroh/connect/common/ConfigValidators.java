package com.kafkaconnectiroh.connect.common;

import com.kafkaconnectiroh.p2p.base.EndpointAddrs;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * ConfigDef validators for iroh values. Each parses with the same code the node uses at run time, so a config that
 * validates is one the task can start with, and the messages are the parser's own (what was expected, what came).
 */
public final class ConfigValidators {
    private ConfigValidators() {
    }

    /** 64 hex characters, an Ed25519 seed; null (unset) passes. Never echoes the value. */
    public static final ConfigDef.Validator SECRET_KEY = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            String s = ((Password) value).value().trim();
            if (s.length() != 64 || !Hex.isHex(s)) {
                throw new ConfigException(name, "[hidden]", "expected 64 hex characters (an Ed25519 secret key, as "
                        + "'p2p-node id' and iroh print it), got " + s.length() + " characters"
                        + (s.length() == 64 ? " that are not all hex" : ""));
            }
        }

        @Override
        public String toString() {
            return "64 hex characters";
        }
    };

    /** {@code IP:PORT} (IPv6 as {@code [addr]:port}). */
    public static final ConfigDef.Validator SOCKET_ADDRESS = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            check(name, value, SocketAddrs::parse);
        }

        @Override
        public String toString() {
            return "IP:PORT, e.g. 0.0.0.0:0 or [::]:4433";
        }
    };

    /** Each element an endpoint ticket, a node ticket, {@code id@ip:port[,ip:port…]} or a bare endpoint id. */
    public static final ConfigDef.Validator PEER_LIST = listOf(EndpointAddrs::parse,
            "endpoint… or node… tickets, <id>@<ip:port> or endpoint ids");

    /** Each element an endpoint id (64 hex or 52 base32 characters). */
    public static final ConfigDef.Validator ENDPOINT_ID_LIST = listOf(EndpointId::parse, "endpoint ids (64 hex characters)");

    /** Each element an {@code http://} or {@code https://} relay URL. */
    public static final ConfigDef.Validator RELAY_URL_LIST = listOf(u -> com.kafkaconnectiroh.p2p.base.RelayUrl.parse(u.trim()),
            "relay URLs (http://host:port or https://host)");

    /** Each element a discovery mechanism: pkarr, dns, dht, mdns, or none. */
    public static final ConfigDef.Validator DISCOVERY_LIST = listOf(n -> {
        if (!n.trim().equalsIgnoreCase(DiscoverySettings.NONE_NAME)) {
            DiscoverySettings.mechanism(n);
        }
    }, "discovery mechanisms (pkarr, dns, dht, mdns) or none");

    /** Each element an {@code http://} or {@code https://} pkarr relay URL. */
    public static final ConfigDef.Validator PKARR_RELAY_LIST = listOf(DiscoverySettings::pkarrRelay,
            "pkarr relay URLs (http:// or https://)");

    /** Each element {@code IP:PORT}. */
    public static final ConfigDef.Validator SOCKET_ADDRESS_LIST = listOf(a -> SocketAddrs.parse(a.trim()),
            "IP:PORT addresses");

    /** A domain name, or empty. */
    public static final ConfigDef.Validator OPTIONAL_DNS_NAME = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && !value.toString().isBlank()) {
                check(name, value.toString().trim(), DiscoverySettings::dnsName);
            }
        }

        @Override
        public String toString() {
            return "a domain name, e.g. dns.iroh.link, or empty";
        }
    };

    /** Each element a 64-hex topic id or a name (hashed with BLAKE3, as the CLI's --topic). */
    public static final ConfigDef.Validator TOPIC_LIST = listOf(TopicId::parseOrName, "64-hex topic ids or topic names");

    /** Each element an iroh-docs 0.35 document ticket ({@code doc…}). */
    public static final ConfigDef.Validator DOC_TICKET_LIST = listOf(
            t -> com.kafkaconnectiroh.p2p.docs.proto.DocTicket.parse(t.trim()), "document tickets (doc…)");

    /** A document ticket (a PASSWORD: it may carry the document's secret), or nothing. Never echoes it. */
    public static final ConfigDef.Validator OPTIONAL_DOC_TICKET_PASSWORD = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            String s = ((Password) value).value().trim();
            if (s.isEmpty()) {
                return;
            }
            try {
                com.kafkaconnectiroh.p2p.docs.proto.DocTicket.parse(s);
            } catch (IllegalArgumentException e) {
                // The parser's message quotes the text; a write ticket's text is the document's secret.
                throw new ConfigException(name, "[hidden]", "expected a document ticket (doc…), got " + s.length()
                        + " characters that do not decode as one");
            }
        }

        @Override
        public String toString() {
            return "a document ticket (doc…) with write capability, or empty";
        }
    };

    /** A 64-hex topic id or a name. */
    public static final ConfigDef.Validator TOPIC = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            check(name, value, TopicId::parseOrName);
        }

        @Override
        public String toString() {
            return "a 64-hex topic id or a topic name";
        }
    };

    private static ConfigDef.Validator listOf(Consumer<String> parser, String what) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null) {
                    return;
                }
                @SuppressWarnings("unchecked")
                List<String> items = (List<String>) value;
                for (int i = 0; i < items.size(); i++) {
                    String item = items.get(i);
                    try {
                        parser.accept(item);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(name, value, "element " + (i + 1) + " ('" + shorten(item) + "'): "
                                + e.getMessage());
                    }
                }
            }

            @Override
            public String toString() {
                return "a comma-separated list of " + what;
            }
        };
    }

    private static void check(String name, Object value, Consumer<String> parser) {
        if (value == null) {
            return;
        }
        try {
            parser.accept(value.toString());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
