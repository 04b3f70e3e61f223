package com.kafkaconnectiroh.p2p.base;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The URL of a relay server, stored exactly as iroh stores it: the serialization of the WHATWG URL parser
 * (rust-url, which iroh's {@code RelayUrl} wraps; IR {@code iroh-base/src/relay_url.rs}). Tickets carry that
 * string, so two sides agree on ticket bytes only if they normalize identically.
 *
 * <p>Only {@code http} and {@code https} are accepted. Following the URL Standard's basic parser for these
 * "special" schemes: surrounding C0 controls and spaces are trimmed and tabs/newlines removed; the scheme and
 * host are lowercased; {@code \} counts as {@code /}; slashes after the scheme are skipped; the host is
 * percent-decoded and may be a domain (a trailing dot is kept), an IPv4 address in any of the URL Standard's
 * forms ({@code 0x7f.1} is {@code 127.0.0.1}) or a bracketed IPv6 address (compressed on output); the default
 * port is dropped; the path defaults to {@code /} and has its {@code .}/{@code ..} segments resolved; user
 * info, path, query and fragment are percent-encoded with the URL Standard's sets.
 *
 * <p>Not supported (rejected with a message rather than risk a different normalization): non-ASCII host names
 * (give the {@code xn--} form). Labels already in {@code xn--} form get UTS #46's table-free checks only (valid
 * punycode, not ASCII, NFC, no leading mark, no controls): we never refuse an {@code xn--} label rust-url
 * accepts, but may accept one it refuses.
 *
 * <p>Checked against rust-url 2.5 (via iroh 1.0.2) on about 14,000 generated inputs: identical output or
 * identical refusal, apart from the two documented cases.
 *
 * <p>Ordered like rust-url's {@code Url}: by the serialized string.
 */
public final class RelayUrl implements Comparable<RelayUrl> {
    private final boolean https;
    /** "user[:password]" already percent-encoded, or empty. */
    private final String userinfo;
    private final String host;
    /** -1 for the scheme's default. */
    private final int port;
    /** Path, query and fragment, as serialized. */
    private final String tail;
    private final String serialization;

    private RelayUrl(boolean https, String userinfo, String host, int port, String tail) {
        this.https = https;
        this.userinfo = userinfo;
        this.host = host;
        this.port = port;
        this.tail = tail;
        StringBuilder sb = new StringBuilder(scheme()).append("://");
        if (!userinfo.isEmpty()) {
            sb.append(userinfo).append('@');
        }
        sb.append(host);
        if (port >= 0) {
            sb.append(':').append(port);
        }
        this.serialization = sb.append(tail).toString();
    }

    /**
     * Parses and normalizes.
     *
     * @throws IllegalArgumentException naming what was wrong, for anything the URL parser rejects, any scheme
     *     but http/https, or a non-ASCII host
     */
    public static RelayUrl parse(String input) {
        if (input == null) {
            throw new IllegalArgumentException("relay URL is null");
        }
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < input.length() && Character.isLowSurrogate(input.charAt(i + 1))) {
                    i++;
                } else {
                    throw new IllegalArgumentException("invalid relay URL: unpaired UTF-16 surrogate at index " + i);
                }
            }
        }
        try {
            return new Parser(input).parse();
        } catch (Failure f) {
            throw new IllegalArgumentException("invalid relay URL '" + input + "': " + f.getMessage());
        }
    }

    /** The serialized form, e.g. {@code https://relay.example.com./}. */
    @Override
    public String toString() {
        return serialization;
    }

    public String scheme() {
        return https ? "https" : "http";
    }

    public boolean isHttps() {
        return https;
    }

    /** The serialized host: a lowercase domain, dotted IPv4, or {@code [ipv6]}. */
    public String host() {
        return host;
    }

    /** The port, the scheme's default if none was given. */
    public int port() {
        return port >= 0 ? port : (https ? 443 : 80);
    }

    /** True if the host is a domain name (not an IP address). */
    public boolean hasDomainHost() {
        return !host.startsWith("[") && SocketAddrs.parseIpv4(host) == null;
    }

    /**
     * The URL with a trailing dot on a domain host, as iroh 0.35's {@code RelayUrl::from(Url)} made every relay
     * URL it parsed from text ({@code https://a.b} → {@code https://a.b./}). IP hosts are left as they are.
     */
    public RelayUrl toFullyQualified() {
        if (!hasDomainHost() || host.endsWith(".")) {
            return this;
        }
        return new RelayUrl(https, userinfo, host + ".", port, tail);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelayUrl && serialization.equals(((RelayUrl) o).serialization);
    }

    @Override
    public int hashCode() {
        return serialization.hashCode();
    }

    /** rust-url compares serializations; ours are pure ASCII, so UTF-16 order equals byte order. */
    @Override
    public int compareTo(RelayUrl o) {
        return serialization.compareTo(o.serialization);
    }

    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** The URL Standard's basic URL parser, specialised to special schemes with no base URL and no state override. */
    private static final class Parser {
        private final String in;
        private int p;

        Parser(String raw) {
            // Trim C0 controls and spaces at both ends, then drop tabs and newlines anywhere (URL Standard §4.4 steps 1–3).
            int start = 0;
            int end = raw.length();
            while (start < end && raw.charAt(start) <= 0x20) {
                start++;
            }
            while (end > start && raw.charAt(end - 1) <= 0x20) {
                end--;
            }
            StringBuilder sb = new StringBuilder(end - start);
            for (int i = start; i < end; i++) {
                char c = raw.charAt(i);
                if (c != '\t' && c != '\n' && c != '\r') {
                    sb.append(c);
                }
            }
            this.in = sb.toString();
        }

        RelayUrl parse() throws Failure {
            String scheme = scheme();
            boolean https;
            if (scheme.equals("https")) {
                https = true;
            } else if (scheme.equals("http")) {
                https = false;
            } else {
                throw new Failure("scheme must be http or https, got '" + scheme + "'");
            }
            // Special authority (ignore) slashes states: any run of / and \ after "scheme:".
            while (p < in.length() && (in.charAt(p) == '/' || in.charAt(p) == '\\')) {
                p++;
            }
            int authorityEnd = p;
            while (authorityEnd < in.length() && "/\\?#".indexOf(in.charAt(authorityEnd)) < 0) {
                authorityEnd++;
            }
            String authority = in.substring(p, authorityEnd);
            p = authorityEnd;
            String userinfo = "";
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                userinfo = userinfo(authority.substring(0, at));
                authority = authority.substring(at + 1);
                if (authority.isEmpty()) {
                    throw new Failure("user info without a host");
                }
            }
            // Host ends at the first ':' outside brackets.
            int colon = -1;
            boolean brackets = false;
            for (int i = 0; i < authority.length(); i++) {
                char c = authority.charAt(i);
                if (c == '[') {
                    brackets = true;
                } else if (c == ']') {
                    brackets = false;
                } else if (c == ':' && !brackets) {
                    colon = i;
                    break;
                }
            }
            String hostText = colon >= 0 ? authority.substring(0, colon) : authority;
            if (hostText.isEmpty()) {
                throw new Failure("empty host");
            }
            String host = host(hostText);
            int port = -1;
            if (colon >= 0) {
                String portText = authority.substring(colon + 1);
                if (!portText.isEmpty()) {
                    port = port(portText);
                    if (port == (https ? 443 : 80)) {
                        port = -1;
                    }
                }
            }
            String path = path();
            String query = null;
            String fragment = null;
            if (p < in.length() && in.charAt(p) == '?') {
                p++;
                int hash = in.indexOf('#', p);
                int qEnd = hash < 0 ? in.length() : hash;
                query = encode(in.substring(p, qEnd), SPECIAL_QUERY);
                p = qEnd;
            }
            if (p < in.length() && in.charAt(p) == '#') {
                fragment = encode(in.substring(p + 1), FRAGMENT);
                p = in.length();
            }
            StringBuilder tail = new StringBuilder(path);
            if (query != null) {
                tail.append('?').append(query);
            }
            if (fragment != null) {
                tail.append('#').append(fragment);
            }
            return new RelayUrl(https, userinfo, host, port, tail.toString());
        }

        private String scheme() throws Failure {
            if (in.isEmpty() || !isAsciiAlpha(in.charAt(0))) {
                throw new Failure("relative URL without a base (expected http:// or https://)");
            }
            int i = 1;
            while (i < in.length()) {
                char c = in.charAt(i);
                if (c == ':') {
                    p = i + 1;
                    return in.substring(0, i).toLowerCase(Locale.ROOT);
                }
                if (!(isAsciiAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
                    break;
                }
                i++;
            }
            throw new Failure("relative URL without a base (expected http:// or https://)");
        }

        /** username[:password], each percent-encoded with the userinfo set; empty parts vanish. */
        private static String userinfo(String raw) {
            int colon = raw.indexOf(':');
            String user = encode(colon >= 0 ? raw.substring(0, colon) : raw, USERINFO);
            String password = colon >= 0 ? encode(raw.substring(colon + 1), USERINFO) : "";
            if (password.isEmpty()) {
                return user;
            }
            return user + ":" + password;
        }

        private static int port(String text) throws Failure {
            long v = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    throw new Failure("invalid port '" + text + "'");
                }
                v = v * 10 + (c - '0');
                if (v > 0xFFFF) {
                    throw new Failure("port " + text + " is out of range");
                }
            }
            return (int) v;
        }

        private static String host(String input) throws Failure {
            if (input.charAt(0) == '[') {
                if (input.charAt(input.length() - 1) != ']') {
                    throw new Failure("unterminated IPv6 address '" + input + "'");
                }
                byte[] v6 = SocketAddrs.parseIpv6(input.substring(1, input.length() - 1));
                if (v6 == null) {
                    throw new Failure("invalid IPv6 address " + input);
                }
                return "[" + SocketAddrs.compressIpv6(v6) + "]";
            }
            byte[] decoded = percentDecode(input);
            for (byte b : decoded) {
                if (b < 0) {
                    throw new Failure("non-ASCII host names are not supported; use the xn-- (punycode) form");
                }
            }
            String domain = new String(decoded, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
            for (String label : domain.split("\\.", -1)) {
                if (label.startsWith("xn--") && !Punycode.isValidEncodedLabel(label.substring(4))) {
                    throw new Failure("invalid punycode label '" + label + "'");
                }
            }
            if (domain.isEmpty()) {
                throw new Failure("empty host");
            }
            for (int i = 0; i < domain.length(); i++) {
                char c = domain.charAt(i);
                if (c <= 0x20 || c == 0x7F || "#%/:<>?@[\\]^|".indexOf(c) >= 0) {
                    throw new Failure("forbidden character " + describe(c) + " in host '" + domain + "'");
                }
            }
            if (endsInANumber(domain)) {
                long v4 = ipv4(domain);
                return (v4 >>> 24) + "." + ((v4 >>> 16) & 0xFF) + "." + ((v4 >>> 8) & 0xFF) + "." + (v4 & 0xFF);
            }
            return domain;
        }

        private static String describe(char c) {
            return c < 0x21 || c == 0x7F ? String.format("U+%04X", (int) c) : "'" + c + "'";
        }

        private static boolean endsInANumber(String domain) {
            List<String> parts = new ArrayList<>(List.of(domain.split("\\.", -1)));
            if (parts.get(parts.size() - 1).isEmpty()) {
                if (parts.size() == 1) {
                    return false;
                }
                parts.remove(parts.size() - 1);
            }
            String last = parts.get(parts.size() - 1);
            if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return true;
            }
            return ipv4Number(last) != null;
        }

        /** The URL Standard's IPv4 parser, which accepts 1–4 parts in decimal, octal (leading 0) or hex (0x). */
        private static long ipv4(String domain) throws Failure {
            List<String> parts = new ArrayList<>(List.of(domain.split("\\.", -1)));
            if (parts.get(parts.size() - 1).isEmpty() && parts.size() > 1) {
                parts.remove(parts.size() - 1);
            }
            if (parts.size() > 4) {
                throw new Failure("host '" + domain + "' looks like an IPv4 address but has more than four parts");
            }
            List<BigInteger> numbers = new ArrayList<>();
            for (String part : parts) {
                BigInteger n = ipv4Number(part);
                if (n == null) {
                    throw new Failure("host '" + domain + "' ends in a number but is not a valid IPv4 address");
                }
                numbers.add(n);
            }
            BigInteger b256 = BigInteger.valueOf(256);
            for (int i = 0; i < numbers.size() - 1; i++) {
                if (numbers.get(i).compareTo(BigInteger.valueOf(255)) > 0) {
                    throw new Failure("IPv4 part " + parts.get(i) + " of '" + domain + "' exceeds 255");
                }
            }
            BigInteger last = numbers.get(numbers.size() - 1);
            if (last.compareTo(b256.pow(5 - numbers.size())) >= 0) {
                throw new Failure("IPv4 address '" + domain + "' is out of range");
            }
            long v = last.longValue();
            for (int i = 0; i < numbers.size() - 1; i++) {
                v += numbers.get(i).longValue() << (8 * (3 - i));
            }
            return v;
        }

        private static BigInteger ipv4Number(String s) {
            if (s.isEmpty()) {
                return null;
            }
            int radix = 10;
            if (s.length() >= 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
                radix = 16;
                s = s.substring(2);
            } else if (s.length() >= 2 && s.charAt(0) == '0') {
                radix = 8;
                s = s.substring(1);
            }
            if (s.isEmpty()) {
                return BigInteger.ZERO;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                int d = c < 128 ? Character.digit(c, radix) : -1;
                if (d < 0) {
                    return null;
                }
            }
            return new BigInteger(s, radix);
        }

        /** Path state for special URLs: segments split on / or \, dot segments resolved, default "/". */
        private String path() {
            List<String> segments = new ArrayList<>();
            int end = p;
            while (end < in.length() && in.charAt(end) != '?' && in.charAt(end) != '#') {
                end++;
            }
            String raw = in.substring(p, end);
            p = end;
            // Path start state: a path not starting with a slash still starts a first segment.
            int i = 0;
            if (!raw.isEmpty() && (raw.charAt(0) == '/' || raw.charAt(0) == '\\')) {
                i = 1;
            }
            StringBuilder buffer = new StringBuilder();
            while (true) {
                boolean atEnd = i >= raw.length();
                char c = atEnd ? 0 : raw.charAt(i);
                if (atEnd || c == '/' || c == '\\') {
                    String seg = buffer.toString();
                    if (isDoubleDot(seg)) {
                        if (!segments.isEmpty()) {
                            segments.remove(segments.size() - 1);
                        }
                        if (atEnd) {
                            segments.add("");
                        }
                    } else if (isSingleDot(seg)) {
                        if (atEnd) {
                            segments.add("");
                        }
                    } else {
                        segments.add(seg);
                    }
                    buffer.setLength(0);
                    if (atEnd) {
                        break;
                    }
                } else {
                    int cp = raw.codePointAt(i);
                    buffer.append(encode(new String(Character.toChars(cp)), PATH));
                    i += Character.charCount(cp) - 1;
                }
                i++;
            }
            StringBuilder out = new StringBuilder();
            for (String s : segments) {
                out.append('/').append(s);
            }
            return out.toString();
        }

        private static boolean isSingleDot(String s) {
            return s.equals(".") || s.equalsIgnoreCase("%2e");
        }

        private static boolean isDoubleDot(String s) {
            String l = s.toLowerCase(Locale.ROOT);
            return l.equals("..") || l.equals(".%2e") || l.equals("%2e.") || l.equals("%2e%2e");
        }

        private static boolean isAsciiAlpha(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }

        private static byte[] percentDecode(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
            for (int i = 0; i < bytes.length; i++) {
                byte b = bytes[i];
                if (b == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
                    out.write(hex(bytes[i + 1]) << 4 | hex(bytes[i + 2]));
                    i += 2;
                } else {
                    out.write(b);
                }
            }
            return out.toByteArray();
        }

        private static int hex(byte b) {
            return b >= 0 ? Character.digit((char) b, 16) : -1;
        }

        /** UTF-8 percent-encodes every byte that is non-ASCII, a C0 control, DEL, or in {@code set}. */
        private static String encode(String s, String set) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            StringBuilder out = new StringBuilder(bytes.length);
            for (byte b : bytes) {
                int v = b & 0xFF;
                if (v < 0x20 || v >= 0x7F || set.indexOf(v) >= 0) {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(v >>> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(v & 0xF, 16)));
                } else {
                    out.append((char) v);
                }
            }
            return out.toString();
        }

        // rust-url's percent-encode sets (url/src/parser.rs), on top of C0 controls, DEL and non-ASCII.
        private static final String FRAGMENT = " \"<>`";
        private static final String PATH = FRAGMENT + "#?{}";
        private static final String USERINFO = PATH + "/:;=@[\\]^|";
        private static final String SPECIAL_QUERY = " \"#<>'";
    }
}
