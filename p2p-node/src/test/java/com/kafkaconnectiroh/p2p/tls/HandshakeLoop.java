package com.kafkaconnectiroh.p2p.tls;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a client and a server session against each other in memory, shuttling each {@link TlsEvent.HandshakeData}
 * to the other side at its level, as QUIC's CRYPTO streams would. Flights can be tampered with or delivered in
 * small chunks.
 */
final class HandshakeLoop {
    /** Rewrites a flight before delivery; return null to drop it. */
    interface Tamper {
        byte[] apply(boolean fromClient, EncryptionLevel level, int flightIndex, byte[] data);
    }

    final TlsClientSession client;
    final TlsServerSession server;
    final List<TlsEvent> clientEvents = new ArrayList<>();
    final List<TlsEvent> serverEvents = new ArrayList<>();
    int chunk = Integer.MAX_VALUE;
    /** Wipe the secrets handed out (after logging copies), as a QUIC stack that zeroes key material would. */
    boolean wipeSecrets;
    Tamper tamper = (fromClient, level, index, data) -> data;
    private int flights;

    HandshakeLoop(TlsClientSession client, TlsServerSession server) {
        this.client = client;
        this.server = server;
    }

    HandshakeLoop chunked(int size) {
        chunk = size;
        return this;
    }

    HandshakeLoop tamper(Tamper t) {
        tamper = t;
        return this;
    }

    /** Starts the client and pumps until neither side has anything more to say. */
    HandshakeLoop run() throws TlsException {
        client.start();
        server.start();
        return pump();
    }

    HandshakeLoop pump() throws TlsException {
        boolean progress = true;
        while (progress) {
            progress = drain(client, server, clientEvents, true);
            progress |= drain(server, client, serverEvents, false);
        }
        return this;
    }

    private boolean drain(QuicTlsSession from, QuicTlsSession to, List<TlsEvent> log, boolean fromClient) throws TlsException {
        boolean any = false;
        TlsEvent e;
        while ((e = from.poll()) != null) {
            any = true;
            if (wipeSecrets && e instanceof TlsEvent.KeysReady k) {
                log.add(new TlsEvent.KeysReady(k.level(), k.suite(), k.readSecret().clone(), k.writeSecret().clone()));
                java.util.Arrays.fill(k.readSecret(), (byte) 0);
                java.util.Arrays.fill(k.writeSecret(), (byte) 0);
                continue;
            }
            log.add(e);
            if (e instanceof TlsEvent.HandshakeData d) {
                byte[] data = tamper.apply(fromClient, d.level(), flights++, d.data());
                if (data != null) {
                    deliver(to, d.level(), data, chunk);
                }
            }
        }
        return any;
    }

    static void deliver(QuicTlsSession to, EncryptionLevel level, byte[] data, int chunk) throws TlsException {
        if (data.length == 0) {
            to.onHandshakeData(level, data, 0, 0);
        }
        for (int off = 0; off < data.length; off += chunk) {
            to.onHandshakeData(level, data, off, Math.min(chunk, data.length - off));
        }
    }

    static TlsEvent.KeysReady keys(List<TlsEvent> events, EncryptionLevel level) {
        for (TlsEvent e : events) {
            if (e instanceof TlsEvent.KeysReady k && k.level() == level) {
                return k;
            }
        }
        return null;
    }

    /** The events in a compact form, e.g. "data INITIAL [ClientHello]", "keys HANDSHAKE", "complete". */
    static List<String> describe(List<TlsEvent> events) {
        List<String> out = new ArrayList<>();
        for (TlsEvent e : events) {
            if (e instanceof TlsEvent.HandshakeData d) {
                List<String> names = new ArrayList<>();
                for (byte[] m : Messages.split(d.data())) {
                    names.add(HandshakeType.name(m[0] & 0xFF));
                }
                out.add("data " + d.level() + " " + names);
            } else if (e instanceof TlsEvent.KeysReady k) {
                out.add("keys " + k.level());
            } else {
                out.add("complete");
            }
        }
        return out;
    }
}
