package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The NAT mapping verdict from QAD reports (IR {@code net_report/report.rs}: mapping_varies_by_dest). */
class NatMappingTest {
    private static final InetSocketAddress LOCAL = new InetSocketAddress("192.168.1.10", 40000);
    private static final QadTarget RELAY_A = new QadTarget("a.example", new InetSocketAddress("198.51.100.1", 7842));
    private static final QadTarget RELAY_B = new QadTarget("b.example", new InetSocketAddress("198.51.100.2", 7842));
    private static final QadTarget RELAY_A_V6 = new QadTarget("a.example", new InetSocketAddress("2001:db8::1", 7842));
    private static final InetSocketAddress PUBLIC = new InetSocketAddress("203.0.113.7", 54321);

    private static Map<QadTarget, InetSocketAddress> seen(Object... pairs) {
        Map<QadTarget, InetSocketAddress> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((QadTarget) pairs[i], (InetSocketAddress) pairs[i + 1]);
        }
        return m;
    }

    @Test
    void twoServersSeeingOneAddressMeanEndpointIndependentMapping() {
        assertEquals(NatMapping.ENDPOINT_INDEPENDENT, AddressDiscovery.verdict(seen(RELAY_A, PUBLIC, RELAY_B, PUBLIC), LOCAL));
    }

    @Test
    void twoServersSeeingDifferentPortsMeanDependentMapping() {
        InetSocketAddress other = new InetSocketAddress("203.0.113.7", 54322);
        assertEquals(NatMapping.DEPENDENT, AddressDiscovery.verdict(seen(RELAY_A, PUBLIC, RELAY_B, other), LOCAL));
    }

    @Test
    void oneServerCannotTell() {
        assertEquals(NatMapping.UNKNOWN, AddressDiscovery.verdict(seen(RELAY_A, PUBLIC), LOCAL));
        assertEquals(NatMapping.UNKNOWN, AddressDiscovery.verdict(seen(), LOCAL));
        // an IPv6 report is another family: it does not make a second IPv4 opinion
        assertEquals(NatMapping.UNKNOWN, AddressDiscovery.verdict(seen(RELAY_A, PUBLIC,
                RELAY_A_V6, new InetSocketAddress("2001:db8::9", 54321)), LOCAL));
    }

    @Test
    void ourOwnSocketAddressMeansNoNat() {
        InetSocketAddress loop = new InetSocketAddress("127.0.0.1", 40000);
        assertEquals(NatMapping.NONE, AddressDiscovery.verdict(seen(RELAY_A, loop), loop));
    }

    @Test
    void theFirstReportPerFamilyIsThePublicAddress() {
        InetSocketAddress other = new InetSocketAddress("203.0.113.7", 54322);
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::9", 54321);
        QadReport r = new QadReport(seen(RELAY_A_V6, v6, RELAY_B, other, RELAY_A, PUBLIC), Map.of(), NatMapping.DEPENDENT);
        assertEquals(java.util.List.of(other, v6), r.publicAddresses());
    }
}
