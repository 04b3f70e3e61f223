package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One QUIC address discovery server to probe: its UDP address and the name its X.509 certificate must carry
 * (a relay's URL host; also sent as SNI unless it is an address literal).
 */
public record QadTarget(String serverName, InetSocketAddress address) {
    /** iroh's {@code DEFAULT_RELAY_QUIC_PORT}. */
    public static final int DEFAULT_PORT = 7842;
    /** iroh's {@code ALPN_QUIC_ADDR_DISC}. */
    public static final String ALPN = "/iroh-qad/0";
    /** How a client ends a probe it is done with (iroh {@code QUIC_ADDR_DISC_CLOSE_CODE} and reason). */
    public static final long CLOSE_CODE_FINISHED = 1;
    public static final String CLOSE_REASON_FINISHED = "finished";

    public QadTarget {
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("QAD target " + address + " is not resolved");
        }
    }

    /**
     * The targets of a relay host: every IPv4 and IPv6 address its name resolves to (iroh probes A and AAAA
     * separately, IROH-WIRE-MAP-RELAY §2.1), at {@code port} (iroh's default 7842). An address literal is itself.
     */
    public static List<QadTarget> resolve(String host, int port) throws UnknownHostException {
        List<QadTarget> out = new ArrayList<>();
        for (InetAddress a : InetAddress.getAllByName(host)) {
            out.add(new QadTarget(host, new InetSocketAddress(a, port)));
        }
        return out;
    }

    /**
     * The targets of a relay: its URL's host (A and AAAA) at {@code quicPort}, 0 meaning iroh's default 7842
     * ({@code RelayQuicConfig::get_quic_port}). The certificate must name the URL's host, as for its HTTPS.
     */
    public static List<QadTarget> forRelay(RelayUrl relay, int quicPort) throws UnknownHostException {
        String host = relay.host();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1); // iroh 0.35's fully qualified form
        }
        return resolve(host, quicPort == 0 ? DEFAULT_PORT : quicPort);
    }

    @Override
    public String toString() {
        String ip = address.getAddress().getHostAddress();
        return serverName + "@" + (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }
}
