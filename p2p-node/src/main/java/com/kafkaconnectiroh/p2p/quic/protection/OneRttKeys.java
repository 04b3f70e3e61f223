package com.kafkaconnectiroh.p2p.quic.protection;

import com.kafkaconnectiroh.p2p.tls.CipherSuite;

/**
 * 1-RTT packet protection with key updates (RFC 9001 §6). Keeps the current read and write keys, the next read
 * key (to recognise a peer-initiated update by the flipped Key Phase bit) and, for a while after an update, the
 * previous read key for late packets. Header protection keys never change.
 */
public final class OneRttKeys {
    /** Which key a packet with a given Key Phase bit and packet number should be opened with. */
    public enum ReadKey { CURRENT, PREVIOUS, NEXT }

    private final CipherSuite suite;
    private final HeaderProtection readHp;
    private final HeaderProtection writeHp;
    private byte[] readSecret;
    private byte[] writeSecret;
    private PacketKey read;
    private PacketKey write;
    private PacketKey nextRead;
    private PacketKey prevRead;
    private long prevDiscardAt = Long.MAX_VALUE;
    private int phase;
    private int generation;

    // our first packet number sent with the current write key; the update is confirmed once one is acked
    private long firstSentInPhase = 0;
    private boolean updateConfirmed = true;
    // first packet number received with the current read key, -1 until one arrives
    private long firstReceivedInPhase = -1;
    private long packetsSealed;

    // KEY_UPDATE_ERROR detection: after a peer-initiated update, have we sent an ACK covering its first packet
    // (a packet number of the path, multipath's packet number space, it came on)?
    private long peerUpdatePath;
    private long peerUpdatePn = -1;
    private boolean peerUpdateAcked = true;

    public OneRttKeys(CipherSuite suite, byte[] readSecret, byte[] writeSecret) {
        this.suite = suite;
        this.readSecret = readSecret.clone();
        this.writeSecret = writeSecret.clone();
        DirectionalKeys r = DirectionalKeys.fromSecret(suite, readSecret);
        DirectionalKeys w = DirectionalKeys.fromSecret(suite, writeSecret);
        this.readHp = r.header();
        this.writeHp = w.header();
        this.read = r.packet();
        this.write = w.packet();
    }

    public CipherSuite suite() {
        return suite;
    }

    public HeaderProtection readHeader() {
        return readHp;
    }

    public HeaderProtection writeHeader() {
        return writeHp;
    }

    public PacketKey write() {
        return write;
    }

    /** The Key Phase bit our packets carry. */
    public int phase() {
        return phase;
    }

    /** How many updates happened so far (either side). */
    public int generation() {
        return generation;
    }

    public long packetsSealedWithCurrentKey() {
        return packetsSealed;
    }

    public void onPacketSealed() {
        packetsSealed++;
    }

    /**
     * Picks the key for a received packet of path 0 (RFC 9001 §6.3): the packet numbers compared are path 0's.
     */
    public ReadKey select(int keyPhaseBit, long pn) {
        if (keyPhaseBit == phase) {
            return ReadKey.CURRENT;
        }
        if (prevRead != null && (firstReceivedInPhase < 0 || pn < firstReceivedInPhase)) {
            return ReadKey.PREVIOUS;
        }
        return ReadKey.NEXT;
    }

    /**
     * Picks the first key to try for a received packet of a multipath path other than 0, whose packet numbers are
     * not comparable with path 0's: with the phase bit flipped, the previous key while we still have it (a late
     * packet), else the next (the peer updated keys, on whichever path it happened to send: the key phase is the
     * connection's, draft-ietf-quic-multipath §"Key Update"). If the previous key fails, the caller tries
     * {@link ReadKey#NEXT}.
     */
    public ReadKey selectOnOtherPath(int keyPhaseBit) {
        if (keyPhaseBit == phase) {
            return ReadKey.CURRENT;
        }
        return prevRead != null ? ReadKey.PREVIOUS : ReadKey.NEXT;
    }

    public PacketKey key(ReadKey which) {
        return switch (which) {
            case CURRENT -> read;
            case PREVIOUS -> prevRead;
            case NEXT -> {
                if (nextRead == null) {
                    nextRead = DirectionalKeys.packetKey(suite, DirectionalKeys.nextSecret(suite, readSecret));
                }
                yield nextRead;
            }
        };
    }

    /** Records an authenticated packet opened with the current key. */
    public void onPacketOpened(ReadKey which, long pn) {
        if (which == ReadKey.CURRENT && firstReceivedInPhase < 0) {
            firstReceivedInPhase = pn;
        }
    }

    /**
     * The peer updated keys: packet {@code pn} of path {@code pathId} (0 without multipath) had the flipped phase
     * and opened with the next key. Returns false if this is a second update before we acknowledged the first in
     * new keys (KEY_UPDATE_ERROR, RFC 9001 §6.2).
     */
    public boolean onPeerUpdate(long pathId, long pn, long firstPnWeSendNext, long prevDiscardDeadline) {
        if (!peerUpdateAcked) {
            return false;
        }
        rotate(firstPnWeSendNext, prevDiscardDeadline);
        // path 0's first packet in the new phase is not known yet when the update came on another path
        firstReceivedInPhase = pathId == 0 ? pn : -1;
        peerUpdatePath = pathId;
        peerUpdatePn = pn;
        peerUpdateAcked = false;
        // the peer started it, so it has evidently seen our packets in the old phase acknowledged; our own next
        // update still needs an ACK of a packet in the new phase
        return true;
    }

    /**
     * We sent an ACK (or PATH_ACK) frame of path {@code pathId} whose largest acknowledged is {@code largestAcked},
     * protected with current keys.
     */
    public void onAckSent(long pathId, long largestAcked) {
        if (!peerUpdateAcked && pathId == peerUpdatePath && largestAcked >= peerUpdatePn) {
            peerUpdateAcked = true;
        }
    }

    /** The peer acknowledged up to {@code largestAcked} of our packets of path 0. */
    public void onAckReceived(long largestAcked) {
        if (!updateConfirmed && largestAcked >= firstSentInPhase) {
            updateConfirmed = true;
        }
    }

    /**
     * The peer acknowledged a packet we sent with the current keys on another multipath path: like {@link
     * #onAckReceived} on path 0, it confirms the current phase (the path's packet numbers are its own, so the
     * caller compares them).
     */
    public void onCurrentPhaseAcked() {
        updateConfirmed = true;
    }

    /** True when we may start an update: the previous one is acknowledged (RFC 9001 §6.1). */
    public boolean canInitiate() {
        return updateConfirmed && peerUpdateAcked;
    }

    /** Starts an update; {@code firstPn} is the first packet number we will protect with the new key. */
    public void initiate(long firstPn, long prevDiscardDeadline) {
        rotate(firstPn, prevDiscardDeadline);
        firstReceivedInPhase = -1;
    }

    private void rotate(long firstPn, long prevDiscardDeadline) {
        PacketKey next = key(ReadKey.NEXT);
        prevRead = read;
        read = next;
        nextRead = null;
        readSecret = DirectionalKeys.nextSecret(suite, readSecret);
        writeSecret = DirectionalKeys.nextSecret(suite, writeSecret);
        write = DirectionalKeys.packetKey(suite, writeSecret);
        phase ^= 1;
        generation++;
        packetsSealed = 0;
        firstSentInPhase = firstPn;
        updateConfirmed = false;
        prevDiscardAt = prevDiscardDeadline;
    }

    /** When the previous read key will be dropped, or {@code Long.MAX_VALUE}. */
    public long prevDiscardDeadline() {
        return prevRead == null ? Long.MAX_VALUE : prevDiscardAt;
    }

    public void onTimeout(long now) {
        if (prevRead != null && now >= prevDiscardAt) {
            prevRead = null;
            prevDiscardAt = Long.MAX_VALUE;
        }
    }
}
