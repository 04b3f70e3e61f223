package com.kafkaconnectiroh.p2p.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TlsAlertTest {

    @Test
    void everyAlertIsFoundByItsWireNumber() {
        for (TlsAlert a : TlsAlert.values()) {
            assertSame(a, TlsAlert.of(a.code()), a::toString);
        }
        assertEquals(120, TlsAlert.NO_APPLICATION_PROTOCOL.code());
        assertEquals("no_application_protocol", TlsAlert.NO_APPLICATION_PROTOCOL.rfcName());
        assertEquals(48, TlsAlert.UNKNOWN_CA.code());
    }

    @Test
    void numbersOutsideTheTableAreNullNotAnError() {
        assertNull(TlsAlert.of(1));
        assertNull(TlsAlert.of(255));
        assertNull(TlsAlert.of(-1));
        assertNull(TlsAlert.of(256));
    }
}
