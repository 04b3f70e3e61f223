package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.quic.CloseReason;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.tls.TlsAlert;
import org.junit.jupiter.api.Test;

class ConnectionCloseTest {

    @Test
    void aHandshakeFailureNamesItsAlert() {
        ConnectionClose c = ConnectionClose.of(new CloseReason(CloseReason.Source.PEER, false,
                TransportError.cryptoError(TlsAlert.NO_APPLICATION_PROTOCOL), 0x06, ""));
        assertEquals(TlsAlert.NO_APPLICATION_PROTOCOL, c.tlsAlert());
        assertEquals("transport error CRYPTO_ERROR(0x178) no_application_protocol by peer", c.toString());
    }

    @Test
    void anAlertOutsideTheTableKeepsItsNumber() {
        ConnectionClose c = ConnectionClose.of(new CloseReason(CloseReason.Source.PEER, false, 0x1c8, 0, "odd"));
        assertNull(c.tlsAlert());
        assertEquals(0x1c8, c.code());
        assertEquals("transport error CRYPTO_ERROR(0x1c8) TLS alert 200 by peer: odd", c.toString());
    }

    @Test
    void anApplicationCodeInTheCryptoRangeIsNoAlert() {
        ConnectionClose c = ConnectionClose.of(new CloseReason(CloseReason.Source.PEER, true, 0x178, 0, "app"));
        assertNull(c.tlsAlert());
        assertEquals("closed by peer with code 376: app", c.toString());
    }

    @Test
    void aPeerMismatchIsCarriedFromTheQuicClose() {
        String reason = "expected peer a, got b";
        long badCertificate = TransportError.cryptoError(TlsAlert.BAD_CERTIFICATE);
        ConnectionClose c = ConnectionClose.of(new CloseReason(CloseReason.Source.LOCAL, false, badCertificate, 0x06,
                reason, true));
        assertTrue(c.peerMismatch());
        assertEquals(ConnectionClose.Kind.TRANSPORT_ERROR, c.kind());
        assertEquals("transport error CRYPTO_ERROR(0x12a) bad_certificate locally: " + reason, c.toString());
        assertFalse(ConnectionClose.of(new CloseReason(CloseReason.Source.LOCAL, false, badCertificate, 0x06,
                "some other certificate trouble")).peerMismatch());
    }
}
