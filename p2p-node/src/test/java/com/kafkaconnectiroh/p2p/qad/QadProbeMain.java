package com.kafkaconnectiroh.p2p.qad;

import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.QadReport;
import com.kafkaconnectiroh.p2p.endpoint.QadTarget;
import com.kafkaconnectiroh.p2p.tls.TestCertificates;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One round of QUIC address discovery from a fresh endpoint, in its own process (network-namespace labs):
 * {@code QadProbeMain BIND_IP:PORT NAME@IP:PORT...} trusts the test CA, probes every target from the endpoint's
 * socket and prints {@code bound: IP:PORT}, one {@code observed: TARGET ADDR} or {@code failed: TARGET REASON}
 * per target, then {@code public: ADDR,...} and {@code mapping: NONE|ENDPOINT_INDEPENDENT|DEPENDENT|UNKNOWN};
 * exit 0 if any target reported, else 1.
 */
public final class QadProbeMain {
    private QadProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        List<QadTarget> targets = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            int at = args[i].indexOf('@');
            targets.add(new QadTarget(args[i].substring(0, at), parse(args[i].substring(at + 1))));
        }
        try (Endpoint ep = Endpoint.builder().bindAddr(parse(args[0])).bind()) {
            System.out.println("bound: " + format(ep.boundAddress()));
            QadReport r = ep.discoverAddresses(targets, TestCertificates.testCa(), Duration.ofSeconds(10));
            r.observed().forEach((t, a) -> System.out.println("observed: " + t + " " + format(a)));
            r.failures().forEach((t, why) -> System.out.println("failed: " + t + " " + why));
            List<String> pub = new ArrayList<>();
            ep.publicAddresses().forEach(a -> pub.add(format(a)));
            System.out.println("public: " + String.join(",", pub));
            System.out.println("mapping: " + r.mapping());
            System.out.flush();
            System.exit(r.observed().isEmpty() ? 1 : 0);
        }
    }

    static InetSocketAddress parse(String ipPort) {
        int colon = ipPort.lastIndexOf(':');
        String host = ipPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(ipPort.substring(colon + 1)));
    }

    private static String format(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }
}
