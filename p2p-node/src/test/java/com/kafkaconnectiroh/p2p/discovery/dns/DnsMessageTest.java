package com.kafkaconnectiroh.p2p.discovery.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.kafkaconnectiroh.p2p.base.Hex;
import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The DNS codec: round trips with and without compression, and hostile messages refused in bounded time. */
class DnsMessageTest {
    @Test
    void roundTripsEveryTypeWithAndWithoutCompression() throws Exception {
        DnsMessage m = new DnsMessage(0x1234, DnsMessage.FLAG_RESPONSE | DnsMessage.FLAG_AUTHORITATIVE,
                List.of(new DnsMessage.Question("_irohv1._udp.local", DnsRecord.TYPE_PTR, 1)),
                List.of(DnsRecord.ptr("_irohv1._udp.local", 0, "abc._irohv1._udp.local"),
                        DnsRecord.srv("abc._irohv1._udp.local", 0, 0, 0, 4433, "abc-4433.local"),
                        DnsRecord.txt("abc._irohv1._udp.local", 0, List.of("relay=x", "user-data=y"))),
                List.of(new DnsRecord("local", DnsRecord.TYPE_SOA, 1, 60,
                        new DnsRecord.Soa("ns.local", "admin.local", 1, 2, 3, 4, 5))),
                List.of(DnsRecord.address("abc-4433.local", 0, InetAddress.getByName("192.168.1.2")),
                        DnsRecord.address("abc-4433.local", 0, InetAddress.getByName("fe80::1")),
                        new DnsRecord("x.local", 99, 1, 7, new DnsRecord.Raw(new byte[] {1, 2, 3}))));
        byte[] plain = m.encode(false);
        byte[] compressed = m.encode(true);
        assertEquals(m, DnsMessage.decode(plain));
        assertEquals(m, DnsMessage.decode(compressed));
        assertEquals(true, compressed.length < plain.length);
    }

    @Test
    void hostileMessagesAreRefused() {
        // a pointer to itself, and one pointing forwards
        assertThrows(DnsException.class, () -> DnsMessage.decode(Hex.decode("000000000001000000000000c00c00010001")));
        assertThrows(DnsException.class, () -> DnsMessage.decode(Hex.decode("000000000001000000000000c00e0001000100")));
        // counts the bytes cannot hold
        assertThrows(DnsException.class, () -> DnsMessage.decode(Hex.decode("00000000ffffffffffffffff")));
        // a label running past the end, a short header, trailing bytes
        assertThrows(DnsException.class, () -> DnsMessage.decode(Hex.decode("0000000000010000000000003f61")));
        assertThrows(DnsException.class, () -> DnsMessage.decode(new byte[11]));
        assertThrows(DnsException.class, () -> DnsMessage.decode(Hex.decode("00000000000000000000000000")));
        // a TXT string longer than its record
        assertThrows(DnsException.class, () -> DnsMessage.decode(Hex.decode(
                "000080000000000100000000" + "00" + "0010000100000000000205" + "6161")));
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButDnsException() {
        Random rnd = new Random(42);
        byte[] base = new DnsMessage(0, 0x8000, List.of(), List.of(DnsRecord.txt("_iroh.abc", 30, List.of("addr=1.2.3.4:5")),
                DnsRecord.txt("_iroh.abc", 30, List.of("relay=http://x/"))), List.of(), List.of()).encode(true);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = base.clone();
            for (int j = 0; j < 3; j++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt();
            }
            try {
                DnsMessage.decode(b);
            } catch (DnsException e) {
                // refused: fine
            }
        }
    }
}
