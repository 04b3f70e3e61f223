package com.kafkaconnectiroh.p2p.qad;

import com.kafkaconnectiroh.p2p.tls.TestCertificates;
import java.net.InetSocketAddress;

/**
 * A {@link QadServer} in its own process, for network-namespace labs: {@code QadServerMain IP:PORT} serves with
 * the test certificate ({@code localhost}, from the test CA: probe it with server name {@code localhost}), prints
 * {@code qad: IP:PORT} once bound and serves until stdin ends or it is killed.
 */
public final class QadServerMain {
    private QadServerMain() {
    }

    public static void main(String[] args) throws Exception {
        try (QadServer qad = QadServer.start(QadProbeMain.parse(args[0]), TestCertificates.credentials("server"))) {
            InetSocketAddress a = qad.localAddress();
            System.out.println("qad: " + a.getAddress().getHostAddress() + ":" + a.getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until EOF
            }
        }
    }
}
