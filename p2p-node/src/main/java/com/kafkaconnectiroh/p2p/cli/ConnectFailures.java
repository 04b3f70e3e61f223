package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointAddrs;
import com.kafkaconnectiroh.p2p.endpoint.ConnectionClose;
import com.kafkaconnectiroh.p2p.endpoint.ConnectionLostException;
import com.kafkaconnectiroh.p2p.tls.TlsAlert;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** Turns a failed {@code Endpoint.connect} into one sentence for a person. */
final class ConnectFailures {
    private ConnectFailures() {
    }

    static String describe(EndpointAddr addr, String alpn, IOException e, Duration timeout) {
        String where = EndpointAddrs.describe(addr);
        String who = addr.id().fmtShort() + " at " + where;
        if (e instanceof ConnectionLostException cle && cle.close() != null) {
            ConnectionClose c = cle.close();
            if (c.kind() == ConnectionClose.Kind.CONNECT_TIMEOUT) {
                return "no answer from " + who + " within " + time(timeout) + " (nothing answers there, or it is an iroh 0.35 node with another endpoint id: those stay silent)";
            }
            if (c.tlsAlert() == TlsAlert.NO_APPLICATION_PROTOCOL) {
                return who + " does not serve " + alpn + " (it refused the protocol in the TLS handshake)";
            }
            if (c.peerMismatch()) {
                return "the endpoint at " + where + " is not " + addr.id().fmtShort() + ": " + c.reason();
            }
            return "connecting to " + who + " failed: " + c;
        }
        if (e instanceof SocketTimeoutException) {
            return "no answer from " + who + " within " + time(timeout);
        }
        return "cannot reach " + who + ": " + e.getMessage();
    }

    static String time(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
