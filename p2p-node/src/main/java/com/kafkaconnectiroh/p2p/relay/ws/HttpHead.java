package com.kafkaconnectiroh.p2p.relay.ws;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The head of an HTTP/1.1 request or response (RFC 9112 §2-§5): start line and header fields, as far as a relay
 * needs them. Header names are matched case-insensitively; a field that comes more than once is joined with
 * {@code ", "} (RFC 9110 §5.3). Strict: obsolete line folding, a field without a colon, or a head larger than the
 * limit is refused, never guessed at. Bodies are not read (relay requests have none).
 */
public final class HttpHead {
    /** A request head above this many bytes is refused (431); a response head above it ends the connection. */
    public static final int MAX_HEAD = 16 * 1024;

    private final String[] startLine;
    private final Map<String, String> headers;

    private HttpHead(String[] startLine, Map<String, String> headers) {
        this.startLine = startLine;
        this.headers = headers;
    }

    /**
     * The length of the head at the start of {@code in} including its blank line, or -1 if it is not complete yet.
     *
     * @throws HttpException the head is longer than {@code maxHead} (431)
     */
    public static int headLength(ByteBuf in, int maxHead) throws HttpException {
        int start = in.readerIndex();
        int end = in.writerIndex();
        for (int i = start; i < end; i++) {
            if (in.getByte(i) == '\n') {
                // a line ending in \n (or \r\n) directly followed by \n (or \r\n) ends the head
                int next = i + 1;
                if (next < end && in.getByte(next) == '\r') {
                    next++;
                }
                if (next < end && in.getByte(next) == '\n') {
                    int length = next + 1 - start;
                    if (length > maxHead) {
                        throw new HttpException(431, "request head of " + length + " bytes (at most " + maxHead + ")");
                    }
                    return length;
                }
            }
            if (i - start >= maxHead) {
                throw new HttpException(431, "request head longer than " + maxHead + " bytes");
            }
        }
        return -1;
    }

    /** Parses a request head (method, target, version) of {@code length} bytes and consumes them. */
    public static HttpHead parseRequest(ByteBuf in, int length) throws HttpException {
        HttpHead h = parse(in, length);
        if (h.startLine.length != 3 || !h.startLine[2].startsWith("HTTP/1.")) {
            throw new HttpException(400, "not an HTTP/1.x request line: '" + String.join(" ", h.startLine) + "'");
        }
        return h;
    }

    /** Parses a response head (version, status, reason) of {@code length} bytes and consumes them. */
    public static HttpHead parseResponse(ByteBuf in, int length) throws HttpException {
        HttpHead h = parse(in, length);
        if (h.startLine.length < 2 || !h.startLine[0].startsWith("HTTP/1.") || !h.startLine[1].matches("\\d{3}")) {
            throw new HttpException(502, "not an HTTP/1.x status line: '" + String.join(" ", h.startLine) + "'");
        }
        return h;
    }

    private static HttpHead parse(ByteBuf in, int length) throws HttpException {
        String text = in.toString(in.readerIndex(), length, StandardCharsets.ISO_8859_1);
        in.skipBytes(length);
        String[] lines = text.split("\r?\n", -1);
        String[] start = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                break;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new HttpException(400, "obsolete line folding in the header fields (RFC 9112 §5.2)");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new HttpException(400, "header field without a name and colon: '" + line + "'");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            if (name.indexOf(' ') >= 0 || name.indexOf('\t') >= 0) {
                throw new HttpException(400, "whitespace in a header field name (RFC 9112 §5.1)");
            }
            String value = line.substring(colon + 1).strip();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        return new HttpHead(start, headers);
    }

    /** A request's method, e.g. {@code GET}. */
    public String method() {
        return startLine[0];
    }

    /** A request's target without its query, e.g. {@code /relay}. */
    public String path() {
        String target = startLine[1];
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** A response's status code. */
    public int status() {
        return Integer.parseInt(startLine[1]);
    }

    /** A response's status line, for messages. */
    public String statusLine() {
        return String.join(" ", startLine);
    }

    /** The field's value (joined if repeated), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Whether the field is a comma-separated list holding {@code token} (case-insensitive), e.g. Connection: Upgrade. */
    public boolean headerHasToken(String name, String token) {
        String v = header(name);
        if (v == null) {
            return false;
        }
        for (String t : v.split(",")) {
            if (t.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** An HTTP exchange cannot go on: the status to answer with (a server) or the reason to give up (a client). */
    public static final class HttpException extends Exception {
        private final int status;

        public HttpException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
