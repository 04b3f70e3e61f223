package com.kafkaconnectiroh.p2p.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Expected forms are what rust-url (inside iroh 1.0.2, npm {@code @number0/iroh@1.1.0}) produced for the same
 * inputs when parsed as a RelayUrl and read back from an endpoint ticket.
 */
class RelayUrlTest {

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", quoteCharacter = '\'', value = {
        "http://derp.me. => http://derp.me./",
        "http://derp.me => http://derp.me/",
        "HTTPS://Relay.Example.COM:443/ => https://relay.example.com/",
        "https://relay.example.com:8443 => https://relay.example.com:8443/",
        "http://relay.example.com:80/ => http://relay.example.com/",
        "http://relay.example.com:443/ => http://relay.example.com:443/",
        "https://relay.example.com:80/ => https://relay.example.com:80/",
        "'  http://a.b/  ' => http://a.b/",
        "http://a.b/x y => http://a.b/x%20y",
        "http:a.b => http://a.b/",
        "http:/a.b => http://a.b/",
        "http:\\\\a.b\\c\\d => http://a.b/c/d",
        "http:///a.b => http://a.b/",
        "http://user:pass@a.b/ => http://user:pass@a.b/",
        "http://user:@a.b/ => http://user@a.b/",
        "http://:pass@a.b/ => http://:pass@a.b/",
        "http://@a.b/ => http://a.b/",
        "http://a@b@c/ => http://a%40b@c/",
        "http://a:b:c@d/ => http://a:b%3Ac@d/",
        "http://127.0.0.1./ => http://127.0.0.1/",
        "http://127.1/ => http://127.0.0.1/",
        "http://0x7f.1/ => http://127.0.0.1/",
        "http://0177.0.0.1/ => http://127.0.0.1/",
        "http://2130706433/ => http://127.0.0.1/",
        "http://0x/ => http://0.0.0.0/",
        "http://foo.1e/ => http://foo.1e/",
        "http://[::1]:80/ => http://[::1]/",
        "http://[0:0:0:0:0:0:0:1]:4433/x => http://[::1]:4433/x",
        "http://[::ffff:1.2.3.4]/ => http://[::ffff:102:304]/",
        "http://[1:0:0:2:0:0:0:3]/ => http://[1:0:0:2::3]/",
        "http://[1:0:0:2:0:0:3:4]/ => http://[1::2:0:0:3:4]/",
        "http://a.b/./c/../d/%2e%2E/e => http://a.b/e",
        "http://a.b/a/.. => http://a.b/",
        "http://a.b/a/. => http://a.b/a/",
        "http://a.b?x=1#frag => http://a.b/?x=1#frag",
        "http://a.b/p?q=\"a b'<>\"#f g` => http://a.b/p?q=%22a%20b%27%3C%3E%22#f%20g%60",
        "http://a.b/{}`^| => http://a.b/%7B%7D%60^|",
        "http://a.b/é => http://a.b/%C3%A9",
        "http://ex%41mple.com/ => http://example.com/",
        "http://a.b:/ => http://a.b/",
        "http://a.b:00080/ => http://a.b/",
        "http://xn--nxasmq6b.com/ => http://xn--nxasmq6b.com/",
        "http://a..b/ => http://a..b/",
        "http://./ => http://./",
        "http://a.b/%zz => http://a.b/%zz",
        "http://a_b.c/ => http://a_b.c/",
        "http://a\tb.c/ => http://ab.c/",
        "http://u/v@a.b/ => http://u/v@a.b/",
        "http://A.B.C./PATH => http://a.b.c./PATH",
        "http://a.b/path%2F.. => http://a.b/path%2F..",
    })
    void normalizesLikeRustUrl(String input, String expected) {
        RelayUrl url = RelayUrl.parse(input);
        assertEquals(expected, url.toString());
        assertEquals(url, RelayUrl.parse(url.toString()), "normalization is idempotent");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://a b/", "http://", "http:///", "relay.example.com", "http://u@/", "http://4294967296/",
        "http://1.2.3.4.5/", "http://foo.0x1/", "http://foo.09/", "http://1.256.0.0/", "http://[fe80::1%25eth0]/",
        "http://[::1/", "http://ex%2fample.com/", "http://a.b:65536/", "http://a.b:1x/", "http://xn--abc-.com/",
        "http://a%b/", "http://1.2.3.09/", "http://08/", "http://0x100000000/", "http://999999999999999999999/",
        "ftp://a.b/", "ws://a.b/", "", "   ", "http://a.b/\uD800",
    })
    void rejectsWhatRustUrlRejectsAndOtherSchemes(String input) {
        assertThrows(IllegalArgumentException.class, () -> RelayUrl.parse(input));
    }

    @Test
    void nonAsciiHostsAreRefusedWithAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RelayUrl.parse("http://é.b/"));
        assertTrue(e.getMessage().contains("xn--"), e.getMessage());
    }

    @Test
    void accessors() {
        RelayUrl u = RelayUrl.parse("https://Relay.Example.com:8443/x");
        assertEquals("https", u.scheme());
        assertTrue(u.isHttps());
        assertEquals("relay.example.com", u.host());
        assertEquals(8443, u.port());
        assertEquals(80, RelayUrl.parse("http://a.b").port());
        assertEquals(443, RelayUrl.parse("https://a.b").port());
        assertTrue(u.hasDomainHost());
        assertFalse(RelayUrl.parse("http://127.0.0.1:3340").hasDomainHost());
        assertFalse(RelayUrl.parse("http://[::1]:3340").hasDomainHost());
    }

    /** iroh 0.35's RelayUrl parser appended the root dot to domain hosts. */
    @Test
    void fullyQualifiedFormAddsTheRootDotToDomainsOnly() {
        assertEquals("https://relay.example.com./", RelayUrl.parse("https://relay.example.com").toFullyQualified().toString());
        assertEquals("http://u:p@a.b.:8080/p?q#f", RelayUrl.parse("http://u:p@a.b:8080/p?q#f").toFullyQualified().toString());
        assertEquals("http://derp.me./", RelayUrl.parse("http://derp.me.").toFullyQualified().toString());
        assertEquals("http://127.0.0.1:3340/", RelayUrl.parse("http://127.0.0.1:3340").toFullyQualified().toString());
        assertEquals("http://[::1]/", RelayUrl.parse("http://[::1]").toFullyQualified().toString());
    }

    @Test
    void ordersBySerializedString() {
        assertTrue(RelayUrl.parse("http://b/").compareTo(RelayUrl.parse("https://a/")) < 0);
        // '.' sorts before '/', so the fully qualified form comes first.
        assertTrue(RelayUrl.parse("http://a./").compareTo(RelayUrl.parse("http://a/")) < 0);
    }

    /** Seeded random URL-ish strings: the parser either refuses with IllegalArgumentException or is idempotent. */
    @Test
    void fuzzedInputsAreRefusedCleanlyOrNormalizeIdempotently() {
        String[] pieces = {"http:", "https:", "//", "/", "\\", "a", "B", ".", "..", "%2e", "%41", "%", ":", "@", "[", "]",
            "::", "1", "0", "0x", "ff", "255", "256", "65536", "80", "443", "?", "#", " ", "\t", "é", "xn--", "-", "_",
            "`", "{", "^", "|", "'", "\"", "<", "1.2.3.4", "\u0001", "\u007f", "~", "*", "\uD83D\uDE00"};
        Random rnd = new Random(5);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder(rnd.nextInt(4) == 0 ? "https://" : "http://");
            for (int k = rnd.nextInt(12); k >= 0; k--) {
                sb.append(pieces[rnd.nextInt(pieces.length)]);
            }
            RelayUrl u;
            try {
                u = RelayUrl.parse(sb.toString());
            } catch (IllegalArgumentException e) {
                continue;
            }
            accepted++;
            String s = u.toString();
            assertTrue(s.chars().allMatch(c -> c > 0x20 && c < 0x7F), "serialization is printable ASCII: " + s);
            assertEquals(s, RelayUrl.parse(s).toString());
        }
        assertTrue(accepted > 5_000, "accepted " + accepted);
    }
}
