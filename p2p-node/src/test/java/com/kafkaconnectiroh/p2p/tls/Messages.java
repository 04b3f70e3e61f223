package com.kafkaconnectiroh.p2p.tls;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/** Test helpers to take flights apart into handshake messages and rewrite them. */
final class Messages {
    record Ext(int type, byte[] body) {
    }

    private Messages() {
    }

    static List<byte[]> split(byte[] flight) {
        List<byte[]> out = new ArrayList<>();
        int p = 0;
        while (p + 4 <= flight.length) {
            int len = ((flight[p + 1] & 0xFF) << 16) | ((flight[p + 2] & 0xFF) << 8) | (flight[p + 3] & 0xFF);
            out.add(Arrays.copyOfRange(flight, p, Math.min(flight.length, p + 4 + len)));
            p += 4 + len;
        }
        return out;
    }

    static byte[] join(List<byte[]> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] m : messages) {
            out.writeBytes(m);
        }
        return out.toByteArray();
    }

    static byte[] message(int type, byte[] body) {
        byte[] m = new byte[4 + body.length];
        m[0] = (byte) type;
        m[1] = (byte) (body.length >>> 16);
        m[2] = (byte) (body.length >>> 8);
        m[3] = (byte) body.length;
        System.arraycopy(body, 0, m, 4, body.length);
        return m;
    }

    static byte[] body(byte[] message) {
        return Arrays.copyOfRange(message, 4, message.length);
    }

    /** Replaces message {@code index} of a flight. */
    static byte[] replace(byte[] flight, int index, UnaryOperator<byte[]> f) {
        List<byte[]> ms = split(flight);
        ms.set(index, f.apply(ms.get(index)));
        return join(ms);
    }

    static int indexOf(byte[] flight, int type) {
        List<byte[]> ms = split(flight);
        for (int i = 0; i < ms.size(); i++) {
            if ((ms.get(i)[0] & 0xFF) == type) {
                return i;
            }
        }
        return -1;
    }

    static List<Ext> parseExtensions(byte[] buf, int off) {
        List<Ext> out = new ArrayList<>();
        int end = off + 2 + (((buf[off] & 0xFF) << 8) | (buf[off + 1] & 0xFF));
        int p = off + 2;
        while (p < end) {
            int type = ((buf[p] & 0xFF) << 8) | (buf[p + 1] & 0xFF);
            int len = ((buf[p + 2] & 0xFF) << 8) | (buf[p + 3] & 0xFF);
            out.add(new Ext(type, Arrays.copyOfRange(buf, p + 4, p + 4 + len)));
            p += 4 + len;
        }
        return out;
    }

    static byte[] encodeExtensions(List<Ext> exts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int total = 0;
        for (Ext e : exts) {
            total += 4 + e.body().length;
        }
        out.write(total >>> 8);
        out.write(total);
        for (Ext e : exts) {
            out.write(e.type() >>> 8);
            out.write(e.type());
            out.write(e.body().length >>> 8);
            out.write(e.body().length);
            out.writeBytes(e.body());
        }
        return out.toByteArray();
    }

    /** Offset in a message (header included) where the extension block of a ClientHello/ServerHello/EE starts. */
    static int extensionsOffset(byte[] message) {
        int type = message[0] & 0xFF;
        int p = 4;
        switch (type) {
            case HandshakeType.CLIENT_HELLO:
                p += 2 + 32;
                p += 1 + (message[p] & 0xFF);
                p += 2 + (((message[p] & 0xFF) << 8) | (message[p + 1] & 0xFF));
                p += 1 + (message[p] & 0xFF);
                return p;
            case HandshakeType.SERVER_HELLO:
                p += 2 + 32;
                p += 1 + (message[p] & 0xFF);
                return p + 3;
            case HandshakeType.ENCRYPTED_EXTENSIONS:
                return p;
            case HandshakeType.CERTIFICATE_REQUEST:
                return p + 1 + (message[p] & 0xFF);
            default:
                throw new IllegalArgumentException("no extension block in " + HandshakeType.name(type));
        }
    }

    /** Rewrites the extension block of a hello, EncryptedExtensions or CertificateRequest message. */
    static byte[] rewriteExtensions(byte[] message, UnaryOperator<List<Ext>> f) {
        int at = extensionsOffset(message);
        List<Ext> exts = f.apply(new ArrayList<>(parseExtensions(message, at)));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(message, 4, at - 4);
        body.writeBytes(encodeExtensions(exts));
        return message(message[0] & 0xFF, body.toByteArray());
    }

    static byte[] extension(byte[] message, int type) {
        for (Ext e : parseExtensions(message, extensionsOffset(message))) {
            if (e.type() == type) {
                return e.body();
            }
        }
        return null;
    }

    static List<Ext> without(List<Ext> exts, int... types) {
        List<Ext> out = new ArrayList<>();
        outer:
        for (Ext e : exts) {
            for (int t : types) {
                if (e.type() == t) {
                    continue outer;
                }
            }
            out.add(e);
        }
        return out;
    }

    static List<Ext> with(List<Ext> exts, int type, byte[] body) {
        List<Ext> out = new ArrayList<>();
        boolean replaced = false;
        for (Ext e : exts) {
            if (e.type() == type) {
                out.add(new Ext(type, body));
                replaced = true;
            } else {
                out.add(e);
            }
        }
        if (!replaced) {
            out.add(new Ext(type, body));
        }
        return out;
    }
}
