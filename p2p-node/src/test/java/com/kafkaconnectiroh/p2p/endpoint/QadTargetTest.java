package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a relay's QUIC address discovery port is (IROH-WIRE-MAP-RELAY §2.1: its host, UDP 7842 unless set). */
class QadTargetTest {

    @Test
    void aRelayUrlGivesItsHostAtTheDefaultPort() throws Exception {
        assertEquals(List.of(new QadTarget("127.0.0.1", new InetSocketAddress("127.0.0.1", 7842))),
                QadTarget.forRelay(RelayUrl.parse("http://127.0.0.1:3340/"), 0));
        assertEquals(List.of(new QadTarget("::1", new InetSocketAddress("::1", 9000))),
                QadTarget.forRelay(RelayUrl.parse("https://[::1]:443/"), 9000));
    }

    @Test
    void printsAsNameAtAddress() {
        assertEquals("relay.example@[2001:db8:0:0:0:0:0:1]:7842",
                new QadTarget("relay.example", new InetSocketAddress("2001:db8::1", 7842)).toString());
    }
}
