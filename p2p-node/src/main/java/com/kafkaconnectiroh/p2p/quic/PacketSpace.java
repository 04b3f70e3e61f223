package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.protection.DirectionalKeys;
import com.kafkaconnectiroh.p2p.quic.recovery.SentPackets;
import com.kafkaconnectiroh.p2p.quic.stream.RecvStream;
import com.kafkaconnectiroh.p2p.quic.stream.SendStream;
import com.kafkaconnectiroh.p2p.quic.util.RangeSet;

/**
 * One packet number space (RFC 9000 §12.3): Initial, Handshake or Application. Holds its keys (Application keys
 * live in {@code OneRttKeys}), sent-packet tracking for loss recovery, received packet numbers for ACKs and
 * duplicate detection, and the CRYPTO stream of its encryption level.
 */
final class PacketSpace {
    static final int INITIAL = 0;
    static final int HANDSHAKE = 1;
    static final int APPLICATION = 2;
    /** ACK ranges kept; older ones are forgotten (the peer has long since seen them acknowledged or given up). */
    static final int MAX_ACK_RANGES = 64;
    /** Out-of-order CRYPTO data we buffer beyond what TLS consumed (RFC 9000 §7.5 asks for at least 4096). */
    static final int CRYPTO_BUFFER_LIMIT = 64 * 1024;

    final int id;
    /** Multipath: the path whose packet number space this is (an APPLICATION space); 0 for the RFC 9000 ones. */
    final long pathId;
    DirectionalKeys readKeys;
    DirectionalKeys writeKeys;
    boolean discarded;

    // sending
    long nextPn;
    long largestAcked = -1;
    final SentPackets sent = new SentPackets();
    long lossTime = Long.MAX_VALUE;
    long lastAckElicitingSent = Long.MIN_VALUE;
    int probesPending;
    int ackOnlyStreak;
    boolean pingPending;
    /**
     * Multipath, paths other than 0: the 1-RTT key generation of our latest packet on this path and the first
     * packet number sent in it; a PATH_ACK reaching that number confirms our current key phase (RFC 9001 §6.1).
     */
    int keyGeneration = -1;
    long firstPnInKeyGeneration;

    // receiving
    long largestReceived = -1;
    long largestReceivedTime;
    final RangeSet ackRanges = new RangeSet(16);
    private long dedupTop = -1; // highest packet number seen
    private long dedupBits; // bit i set: packet dedupTop - 1 - i seen
    private long dedupBits2; // bits 64..127
    int ackElicitingSinceAck;
    boolean ackPending; // ranges changed since the last ACK we sent
    boolean ackImmediately;

    // CRYPTO stream of this level
    final SendStream cryptoSend;
    final RecvStream cryptoRecv;

    PacketSpace(int id) {
        this(id, 0);
    }

    PacketSpace(int id, long pathId) {
        this.id = id;
        this.pathId = pathId;
        this.cryptoSend = SendStream.crypto();
        this.cryptoRecv = RecvStream.crypto();
    }

    /** True if this packet number was already received (or is too old to tell, which counts as received). */
    boolean isDuplicate(long pn) {
        if (pn > dedupTop) {
            return false;
        }
        if (pn == dedupTop) {
            return true;
        }
        long d = dedupTop - 1 - pn;
        if (d < 64) {
            return (dedupBits & (1L << d)) != 0;
        }
        if (d < 128) {
            return (dedupBits2 & (1L << (d - 64))) != 0;
        }
        return true;
    }

    void markReceived(long pn) {
        if (pn > dedupTop) {
            long shift = dedupTop < 0 ? 128 : pn - dedupTop;
            // shift the window up by `shift`, placing the old top at distance shift-1
            if (shift >= 128) {
                dedupBits = 0;
                dedupBits2 = 0;
            } else {
                long oldTopBit = 1;
                if (shift >= 64) {
                    dedupBits2 = dedupBits << (shift - 64);
                    dedupBits = 0;
                } else {
                    dedupBits2 = (dedupBits2 << shift) | (shift == 0 ? 0 : dedupBits >>> (64 - shift));
                    dedupBits = dedupBits << shift;
                }
                // the old top now sits at distance shift-1
                long d = shift - 1;
                if (dedupTop >= 0) {
                    if (d < 64) {
                        dedupBits |= oldTopBit << d;
                    } else {
                        dedupBits2 |= oldTopBit << (d - 64);
                    }
                }
            }
            dedupTop = pn;
            return;
        }
        long d = dedupTop - 1 - pn;
        if (d < 64) {
            dedupBits |= 1L << d;
        } else if (d < 128) {
            dedupBits2 |= 1L << (d - 64);
        }
    }

    /** Records a received packet for acknowledgement. */
    void recordForAck(long pn, long now) {
        ackRanges.add(pn);
        while (ackRanges.size() > MAX_ACK_RANGES) {
            ackRanges.removeFirst();
        }
        ackPending = true;
        if (pn > largestReceived) {
            largestReceived = pn;
            largestReceivedTime = now;
        }
    }

    boolean hasKeysToSend() {
        return !discarded && writeKeys != null;
    }
}
