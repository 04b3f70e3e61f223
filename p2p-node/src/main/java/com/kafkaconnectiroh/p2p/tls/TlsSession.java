package com.kafkaconnectiroh.p2p.tls;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/**
 * What client and server handshakes share: reassembly of handshake messages from CRYPTO-stream bytes (RFC 9001
 * §4.1.3), the event queue, the transcript, and the authentication messages both sides send and check
 * (Certificate with a raw public key, CertificateVerify, Finished; RFC 8446 §4.4).
 */
abstract class TlsSession implements QuicTlsSession {
    /** Largest handshake message body we buffer; ours are a few hundred bytes, rustls's well under this. */
    static final int MAX_MESSAGE_LEN = 64 * 1024;

    static final int LEGACY_VERSION = 0x0303;
    static final int TLS13 = 0x0304;
    static final int GROUP_X25519 = 0x001d;
    static final int SIG_ED25519 = 0x0807;
    /** RFC 7250 §3 CertificateType RawPublicKey. */
    static final int CERT_TYPE_RAW_PUBLIC_KEY = 2;
    static final byte[] EMPTY = new byte[0];

    /** ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3). */
    static final byte[] HELLO_RETRY_REQUEST_RANDOM =
            Hex.decode("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

    private static final byte[] SERVER_SIGNATURE_PREFIX = signaturePrefix("TLS 1.3, server CertificateVerify");
    private static final byte[] CLIENT_SIGNATURE_PREFIX = signaturePrefix("TLS 1.3, client CertificateVerify");

    private final ArrayDeque<TlsEvent> events = new ArrayDeque<>(8);
    final byte[] localTransportParameters;
    final Transcript transcript = new Transcript();
    KeySchedule keys;
    CipherSuite suite;
    byte[] peerTransportParameters;
    byte[] alpn;
    EndpointId peerId;
    boolean complete;
    private TlsException failure;

    private final byte[] header = new byte[4];
    private int headerLen;
    private byte[] message;
    private int messageLen;
    private int messageFill;

    TlsSession(byte[] transportParameters) {
        Objects.requireNonNull(transportParameters, "transportParameters");
        if (transportParameters.length > 0xFFFF) {
            throw new IllegalArgumentException("transport parameters of " + transportParameters.length + " bytes do not fit an extension");
        }
        this.localTransportParameters = transportParameters.clone();
    }

    /** The level the peer's next handshake bytes must arrive at, or null if none are expected. */
    abstract EncryptionLevel receiveLevel();

    /** One complete handshake message, header included. */
    abstract void handle(int type, byte[] message) throws TlsException;

    @Override
    public final void onHandshakeData(EncryptionLevel level, byte[] data, int off, int len) throws TlsException {
        Objects.checkFromIndexSize(off, len, data.length);
        if (failure != null) {
            throw failure;
        }
        if (len == 0) {
            return;
        }
        try {
            EncryptionLevel expected = receiveLevel();
            if (level != expected) {
                throw new TlsException(TlsAlert.UNEXPECTED_MESSAGE, "handshake bytes at " + level + " level while "
                        + (expected == null ? "expecting none" : "expecting " + expected + " level"));
            }
            int end = off + len;
            while (off < end) {
                if (message == null) {
                    int n = Math.min(4 - headerLen, end - off);
                    System.arraycopy(data, off, header, headerLen, n);
                    headerLen += n;
                    off += n;
                    if (headerLen < 4) {
                        break;
                    }
                    int bodyLen = ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
                    if (bodyLen > MAX_MESSAGE_LEN) {
                        throw new TlsException(TlsAlert.DECODE_ERROR, HandshakeType.name(header[0] & 0xFF) + " of "
                                + bodyLen + " bytes exceeds our limit of " + MAX_MESSAGE_LEN);
                    }
                    // sized by what has arrived, not by what the header claims: a peer's 4 bytes must not
                    // make us hold 64 KiB (a flood of Initials would multiply it)
                    messageLen = 4 + bodyLen;
                    message = new byte[Math.min(messageLen, 4 + Math.max(256, end - off))];
                    System.arraycopy(header, 0, message, 0, 4);
                    messageFill = 4;
                }
                int n = Math.min(messageLen - messageFill, end - off);
                if (messageFill + n > message.length) {
                    message = Arrays.copyOf(message, Math.min(messageLen, Math.max(messageFill + n, 2 * message.length)));
                }
                System.arraycopy(data, off, message, messageFill, n);
                messageFill += n;
                off += n;
                if (messageFill == messageLen) {
                    byte[] m = message;
                    message = null;
                    headerLen = 0;
                    handle(m[0] & 0xFF, m);
                    if (off < end && receiveLevel() != level) {
                        // RFC 8446 §5.1: handshake messages must not span a key change.
                        throw new TlsException(TlsAlert.UNEXPECTED_MESSAGE, (end - off) + " more bytes at " + level
                                + " level after the message that moved the handshake on to " + receiveLevel());
                    }
                }
            }
        } catch (TlsException e) {
            throw fail(e);
        } catch (RuntimeException e) {
            TlsException t = new TlsException(TlsAlert.INTERNAL_ERROR, "TLS engine failure: " + e);
            t.initCause(e);
            throw fail(t);
        }
    }

    /** Ends the session: later input is refused with the same error, and buffers are released. */
    private TlsException fail(TlsException e) {
        failure = e;
        message = null;
        headerLen = 0;
        events.clear();
        return e;
    }

    /** Bytes held for an incomplete message (at most 4 + {@link #MAX_MESSAGE_LEN}), as allocated. */
    @Override
    public int bufferedBytes() {
        return message != null ? message.length : headerLen;
    }

    /** The failure that ended this session, or null. */
    TlsException failure() {
        return failure;
    }

    @Override
    public TlsEvent poll() {
        return events.pollFirst();
    }

    @Override
    public boolean isHandshakeComplete() {
        return complete;
    }

    @Override
    public byte[] peerTransportParameters() {
        return peerTransportParameters == null ? null : peerTransportParameters.clone();
    }

    @Override
    public byte[] alpn() {
        return alpn == null ? null : alpn.clone();
    }

    @Override
    public EndpointId peerId() {
        return peerId;
    }

    @Override
    public CipherSuite cipherSuite() {
        return suite;
    }

    void emit(TlsEvent event) {
        events.addLast(event);
    }

    /** Copies, so QUIC may wipe the secrets it was given without disturbing our Finished computations. */
    void emitKeys(EncryptionLevel level, CipherSuite suite, byte[] readSecret, byte[] writeSecret) {
        events.addLast(new TlsEvent.KeysReady(level, suite, readSecret.clone(), writeSecret.clone()));
    }

    void emitData(EncryptionLevel level, TlsWriter w) {
        events.addLast(new TlsEvent.HandshakeData(level, w.toByteArray()));
    }

    static TlsException unexpected(int type, String expecting) {
        return new TlsException(TlsAlert.UNEXPECTED_MESSAGE,
                "received " + HandshakeType.name(type) + " while expecting " + expecting);
    }

    static TlsReader body(byte[] message) {
        return new TlsReader(message, 4, message.length - 4, HandshakeType.name(message[0] & 0xFF));
    }

    /** Closes a message begun with {@link TlsWriter#beginMessage} and adds it to the transcript. */
    void endMessage(TlsWriter w, int mark) {
        w.end(mark);
        int start = (mark & 0x0FFF_FFFF) - 1;
        transcript.add(w.array(), start, w.size() - start);
    }

    // ---- authentication messages (RFC 8446 §4.4) ----

    /** Certificate with our single raw-public-key entry (RFC 7250 §3, RFC 8446 §4.4.2). */
    void writeCertificate(TlsWriter w, byte[] context, byte[] spki) {
        writeCertificate(w, context, java.util.List.of(spki));
    }

    /** Certificate with these entries (X.509 DER certificates, ours first; none for "no certificate"). */
    void writeCertificate(TlsWriter w, byte[] context, java.util.List<byte[]> entries) {
        int m = w.beginMessage(HandshakeType.CERTIFICATE);
        int c = w.begin(1);
        w.bytes(context);
        w.end(c);
        int list = w.begin(3);
        for (byte[] e : entries) {
            int entry = w.begin(3);
            w.bytes(e);
            w.end(entry);
            w.u16(0); // no per-entry extensions
        }
        w.end(list);
        endMessage(w, m);
    }

    /** CertificateVerify signed with an X.509 certificate's key (RFC 8446 §4.4.3). */
    void writeCertificateVerify(TlsWriter w, X509Credentials credentials, boolean server) {
        byte[] signature = credentials.sign(signedContent(server, transcript.currentHash()));
        int m = w.beginMessage(HandshakeType.CERTIFICATE_VERIFY);
        w.u16(credentials.scheme().code);
        int s = w.begin(2);
        w.bytes(signature);
        w.end(s);
        endMessage(w, m);
    }

    /** CertificateVerify over the transcript so far, signed with Ed25519 (RFC 8446 §4.4.3). */
    void writeCertificateVerify(TlsWriter w, SecretKey identity, boolean server) {
        byte[] content = signedContent(server, transcript.currentHash());
        byte[] signature = identity.sign(content);
        int m = w.beginMessage(HandshakeType.CERTIFICATE_VERIFY);
        w.u16(SIG_ED25519);
        int s = w.begin(2);
        w.bytes(signature);
        w.end(s);
        endMessage(w, m);
    }

    void writeFinished(TlsWriter w, byte[] trafficSecret) {
        byte[] verifyData = keys.finishedVerifyData(trafficSecret, transcript.currentHash());
        int m = w.beginMessage(HandshakeType.FINISHED);
        w.bytes(verifyData);
        endMessage(w, m);
    }

    /**
     * The peer's key from its Certificate: exactly one entry holding an Ed25519 SubjectPublicKeyInfo. Does not add
     * the message to the transcript.
     */
    static EndpointId readCertificate(byte[] message, byte[] expectedContext, boolean fromServer) throws TlsException {
        String whose = fromServer ? "server" : "client";
        TlsReader r = body(message);
        byte[] context = r.bytes8("certificate_request_context");
        TlsReader list = r.vector24("certificate_list");
        r.expectEnd();
        if (!Arrays.equals(context, expectedContext)) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, whose + " Certificate has context " + Hex.encode(context)
                    + ", expected " + (expectedContext.length == 0 ? "an empty one" : Hex.encode(expectedContext)));
        }
        if (!list.hasRemaining()) {
            // RFC 8446 §4.4.2.4: a client that does not authenticate gets certificate_required.
            throw fromServer
                    ? new TlsException(TlsAlert.DECODE_ERROR, "server sent an empty Certificate")
                    : new TlsException(TlsAlert.CERTIFICATE_REQUIRED, "client sent no certificate, but we require its raw public key");
        }
        byte[] certData = list.bytes24("cert_data");
        list.vector16("certificate entry extensions");
        if (list.hasRemaining()) {
            throw new TlsException(TlsAlert.BAD_CERTIFICATE,
                    whose + " sent more than one certificate entry; a raw public key is exactly one");
        }
        if (certData.length == 0) {
            throw new TlsException(TlsAlert.DECODE_ERROR, whose + " Certificate entry is empty");
        }
        return RawPublicKey.decode(certData, whose);
    }

    /** Checks the peer's CertificateVerify against the transcript hash before it (RFC 8446 §4.4.3). */
    void verifyCertificateVerify(byte[] message, EndpointId signer, boolean fromServer) throws TlsException {
        String whose = fromServer ? "server" : "client";
        TlsReader r = body(message);
        int scheme = r.u16("algorithm");
        byte[] signature = r.bytes16("signature");
        r.expectEnd();
        if (scheme != SIG_ED25519) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, whose + " CertificateVerify uses signature scheme 0x"
                    + Integer.toHexString(scheme) + ", but only ed25519 (0x0807) was offered");
        }
        byte[] content = signedContent(fromServer, transcript.currentHash());
        if (!signer.verify(content, signature)) {
            throw new TlsException(TlsAlert.DECRYPT_ERROR,
                    whose + " CertificateVerify signature does not verify under key " + signer);
        }
    }

    /** Checks the peer's Finished against the transcript hash before it (RFC 8446 §4.4.4). */
    void verifyFinished(byte[] message, byte[] peerTrafficSecret, boolean fromServer) throws TlsException {
        String whose = fromServer ? "server" : "client";
        int len = message.length - 4;
        if (len != suite.hashLength) {
            throw new TlsException(TlsAlert.DECODE_ERROR,
                    whose + " Finished has " + len + " bytes, expected " + suite.hashLength);
        }
        byte[] expected = keys.finishedVerifyData(peerTrafficSecret, transcript.currentHash());
        byte[] received = Arrays.copyOfRange(message, 4, message.length);
        if (!KeySchedule.verifyDataMatches(expected, received)) {
            throw new TlsException(TlsAlert.DECRYPT_ERROR, whose + " Finished does not match our handshake transcript");
        }
    }

    static byte[] signedContent(boolean server, byte[] transcriptHash) {
        byte[] prefix = server ? SERVER_SIGNATURE_PREFIX : CLIENT_SIGNATURE_PREFIX;
        byte[] content = Arrays.copyOf(prefix, prefix.length + transcriptHash.length);
        System.arraycopy(transcriptHash, 0, content, prefix.length, transcriptHash.length);
        return content;
    }

    /** 64 spaces, the context string, a zero byte (RFC 8446 §4.4.3). */
    private static byte[] signaturePrefix(String context) {
        byte[] ctx = context.getBytes(StandardCharsets.US_ASCII);
        byte[] p = new byte[64 + ctx.length + 1];
        Arrays.fill(p, 0, 64, (byte) 0x20);
        System.arraycopy(ctx, 0, p, 64, ctx.length);
        return p;
    }

    static String hex16(int v) {
        return String.format("0x%04x", v);
    }
}
