package com.kafkaconnectiroh.p2p.quic.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.kafkaconnectiroh.p2p.tls.TlsAlert;
import org.junit.jupiter.api.Test;

class TransportErrorTest {

    @Test
    void codesAreRfc9000s() {
        assertEquals(0x00, TransportError.NO_ERROR.code());
        assertEquals(0x0a, TransportError.PROTOCOL_VIOLATION.code());
        assertEquals(0x10, TransportError.NO_VIABLE_PATH.code());
        assertEquals(0x100, TransportError.CRYPTO_ERROR.code());
        for (TransportError e : TransportError.values()) {
            assertSame(e, TransportError.of(e.code()), e::name);
        }
    }

    @Test
    void aPeersCodeOutsideTheTableIsKeptAndPrinted() {
        assertNull(TransportError.of(0x11));
        assertNull(TransportError.of(0x200));
        assertNull(TransportError.of((1L << 62) - 1));
        assertEquals("0x11", TransportError.name(0x11));
        assertEquals("0x3fffffffffffffff", TransportError.name((1L << 62) - 1));
        assertEquals("PROTOCOL_VIOLATION", TransportError.name(0x0a));
    }

    @Test
    void cryptoErrorsCarryTheTlsAlertInTheLowByte() {
        assertEquals(0x178, TransportError.cryptoError(TlsAlert.NO_APPLICATION_PROTOCOL));
        assertSame(TransportError.CRYPTO_ERROR, TransportError.of(0x178));
        assertSame(TransportError.CRYPTO_ERROR, TransportError.of(0x1ff));
        assertEquals("CRYPTO_ERROR(0x178)", TransportError.name(0x178));
        assertEquals(120, TransportError.tlsAlert(0x178));
        assertEquals(0xff, TransportError.tlsAlert(0x1ff), "an alert number our table lacks is kept");
        assertEquals(-1, TransportError.tlsAlert(0x0a));
        assertEquals(-1, TransportError.tlsAlert(0x200));
    }

    @Test
    void anExceptionNamesItsErrorAndCarriesItsCode() {
        TransportException e = new TransportException(TransportError.FLOW_CONTROL_ERROR, "too much");
        assertSame(TransportError.FLOW_CONTROL_ERROR, e.error());
        assertEquals(0x03, e.code());
        assertEquals("FLOW_CONTROL_ERROR: too much", e.toString());
    }
}
