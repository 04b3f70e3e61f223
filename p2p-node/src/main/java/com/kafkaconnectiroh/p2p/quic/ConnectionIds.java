package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.frame.Frame;
import com.kafkaconnectiroh.p2p.quic.frame.FrameType;
import com.kafkaconnectiroh.p2p.quic.frame.FrameWriter;
import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.recovery.SentPacket;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Connection IDs in both directions (RFC 9000 §5.1): the ones we issued (NEW_CONNECTION_ID, retired by the peer
 * with RETIRE_CONNECTION_ID) and the ones the peer issued to us (stored up to our active_connection_id_limit,
 * retired when it raises retire_prior_to), with their stateless reset tokens.
 */
final class ConnectionIds {
    record Issued(long seq, ConnectionId cid, byte[] token) {
    }

    record Remote(long seq, ConnectionId cid, byte[] token) {
    }

    private final ConnectionIdRegistry registry;
    private final QuicConnection owner;
    private final int activeLimit; // how many of the peer's we keep
    private final int maxIssued;

    private final List<Issued> issued = new ArrayList<>();
    private ConnectionId handshakeCid;
    private long nextSeq;
    private int peerLimit = 2;
    /** retire_prior_to we put in NEW_CONNECTION_ID frames. */
    private long localRetirePriorTo;
    private final ArrayDeque<Long> newCidPending = new ArrayDeque<>();

    private final List<Remote> remote = new ArrayList<>();
    private Remote active;
    private long retirePriorTo;
    private final ArrayDeque<Long> retirePending = new ArrayDeque<>();
    private final ArrayList<Long> retiredSeqs = new ArrayList<>(); // recently retired, to ignore re-announcements

    ConnectionIds(ConnectionIdRegistry registry, QuicConnection owner, int activeLimit, int maxIssued) {
        this.registry = registry;
        this.owner = owner;
        this.activeLimit = activeLimit;
        this.maxIssued = maxIssued;
    }

    // ------------------------------------------------------------------ ours

    /** Sequence 0: the SCID of our handshake packets. */
    void initialLocal(ConnectionId cid) {
        handshakeCid = cid;
        issued.add(new Issued(nextSeq++, cid, registry.resetToken(cid)));
        registry.register(cid, owner);
    }

    /** Our sequence 0 ID: the SCID of our long-header packets, even after the peer retired it. */
    ConnectionId initialLocalCid() {
        return handshakeCid;
    }

    boolean isLocal(byte[] b, int off, int len) {
        for (Issued i : issued) {
            if (i.cid().matches(b, off, len)) {
                return true;
            }
        }
        return false;
    }

    /** After the handshake: issue IDs up to the smaller of the peer's limit and ours. */
    void issueUpToLimit() {
        int target = Math.min(peerLimit, maxIssued);
        while (issued.size() < target) {
            ConnectionId cid = registry.newConnectionId();
            Issued i = new Issued(nextSeq++, cid, registry.resetToken(cid));
            issued.add(i);
            registry.register(cid, owner);
            newCidPending.add(i.seq());
        }
    }

    void setPeerLimit(long limit) {
        peerLimit = (int) Math.min(limit, 64);
    }

    /** Issues a full set of new IDs and asks the peer to retire every older one (RFC 9000 §5.1.2). */
    void rotateLocal() {
        localRetirePriorTo = nextSeq;
        int target = Math.min(peerLimit, maxIssued);
        for (int k = 0; k < target; k++) {
            ConnectionId cid = registry.newConnectionId();
            Issued i = new Issued(nextSeq++, cid, registry.resetToken(cid));
            issued.add(i);
            registry.register(cid, owner);
            newCidPending.add(i.seq());
        }
    }

    /** RETIRE_CONNECTION_ID from the peer, received in a packet sent to {@code packetDcid}. */
    void onRetire(long seq, byte[] b, int dcidOff, int dcidLen, boolean replace) throws TransportException {
        if (seq >= nextSeq) {
            throw new TransportException(TransportError.PROTOCOL_VIOLATION, FrameType.RETIRE_CONNECTION_ID,
                    "peer retired connection ID sequence " + seq + " we never issued (next is " + nextSeq + ")");
        }
        for (int k = 0; k < issued.size(); k++) {
            Issued i = issued.get(k);
            if (i.seq() == seq) {
                if (i.cid().matches(b, dcidOff, dcidLen)) {
                    throw new TransportException(TransportError.PROTOCOL_VIOLATION, FrameType.RETIRE_CONNECTION_ID,
                            "peer retired connection ID " + seq + " in a packet addressed to it");
                }
                issued.remove(k);
                registry.unregister(i.cid());
                if (replace) {
                    issueUpToLimit();
                }
                return;
            }
        }
        // already retired: nothing to do
    }

    boolean hasNewCidFrames() {
        return !newCidPending.isEmpty();
    }

    int writeNewCidFrames(byte[] b, int p, int limit, SentPacket sp) {
        while (!newCidPending.isEmpty()) {
            long seq = newCidPending.peek();
            Issued i = findIssued(seq);
            if (i == null) {
                newCidPending.poll();
                continue;
            }
            if (limit - p < FrameWriter.newConnectionIdSize(i.seq(), localRetirePriorTo, i.cid())) {
                break;
            }
            newCidPending.poll();
            p = FrameWriter.newConnectionId(b, p, i.seq(), localRetirePriorTo, i.cid(), i.token());
            sp.addControl(SentPacket.K_NEW_CONNECTION_ID, i.seq());
        }
        return p;
    }

    void onNewCidLost(long seq) {
        if (findIssued(seq) != null && !newCidPending.contains(seq)) {
            newCidPending.add(seq);
        }
    }

    private Issued findIssued(long seq) {
        for (Issued i : issued) {
            if (i.seq() == seq) {
                return i;
            }
        }
        return null;
    }

    int issuedCount() {
        return issued.size();
    }

    List<Issued> issued() {
        return issued;
    }

    /** Unregisters all our IDs from the endpoint. */
    void unregisterAll() {
        for (Issued i : issued) {
            registry.unregister(i.cid());
        }
    }

    // ------------------------------------------------------------------ theirs

    /** Sequence 0 of the peer: the SCID of its first packet (and, for a server, its reset token parameter). */
    void initialRemote(ConnectionId cid, byte[] token) {
        remote.clear();
        active = new Remote(0, cid, token);
        remote.add(active);
        registry.peerResetToken(owner, token);
    }

    /** The server's stateless_reset_token transport parameter belongs to its sequence 0 ID. */
    void setInitialRemoteToken(byte[] token) {
        for (int k = 0; k < remote.size(); k++) {
            Remote r = remote.get(k);
            if (r.seq() == 0) {
                Remote nr = new Remote(0, r.cid(), token);
                remote.set(k, nr);
                if (active == r) {
                    active = nr;
                    registry.peerResetToken(owner, token);
                }
            }
        }
    }

    ConnectionId activeRemote() {
        return active.cid();
    }

    void onNewConnectionId(Frame.NewConnectionId f) throws TransportException {
        if (active != null && active.cid().length() == 0) {
            throw new TransportException(TransportError.PROTOCOL_VIOLATION, FrameType.NEW_CONNECTION_ID,
                    "NEW_CONNECTION_ID from a peer using zero-length connection IDs");
        }
        for (Remote r : remote) {
            if (r.seq() == f.sequence()) {
                if (!r.cid().equals(f.id())) {
                    throw new TransportException(TransportError.PROTOCOL_VIOLATION, FrameType.NEW_CONNECTION_ID,
                            "connection ID sequence " + f.sequence() + " announced twice with different values");
                }
                return;
            }
            if (r.cid().equals(f.id())) {
                throw new TransportException(TransportError.PROTOCOL_VIOLATION, FrameType.NEW_CONNECTION_ID,
                        "connection ID " + f.id() + " announced with sequence " + f.sequence() + " and " + r.seq());
            }
        }
        if (f.sequence() < retirePriorTo || retiredSeqs.contains(f.sequence())) {
            // already retired by an earlier retire_prior_to: retire it again at once (RFC 9000 §19.15)
            if (f.sequence() < retirePriorTo && !retiredSeqs.contains(f.sequence())) {
                retire(f.sequence());
            }
            return;
        }
        remote.add(new Remote(f.sequence(), f.id(), f.resetToken()));
        if (f.retirePriorTo() > retirePriorTo) {
            retirePriorTo = f.retirePriorTo();
            for (int k = remote.size() - 1; k >= 0; k--) {
                Remote r = remote.get(k);
                if (r.seq() < retirePriorTo) {
                    remote.remove(k);
                    retire(r.seq());
                }
            }
            if (active.seq() < retirePriorTo) {
                Remote next = null;
                for (Remote r : remote) {
                    if (next == null || r.seq() < next.seq()) {
                        next = r;
                    }
                }
                active = next;
                registry.peerResetToken(owner, next.token());
            }
        }
        if (retirePending.size() > 4 * activeLimit) {
            // a peer churning IDs faster than we can send RETIRE_CONNECTION_ID (RFC 9000 §5.1.2)
            throw new TransportException(TransportError.CONNECTION_ID_LIMIT_ERROR, FrameType.NEW_CONNECTION_ID,
                    retirePending.size() + " connection ID retirements outstanding");
        }
        if (remote.size() > activeLimit) {
            throw new TransportException(TransportError.CONNECTION_ID_LIMIT_ERROR, FrameType.NEW_CONNECTION_ID,
                    "peer gave us " + remote.size() + " connection IDs, our limit is " + activeLimit);
        }
    }

    private void retire(long seq) {
        retirePending.add(seq);
        retiredSeqs.add(seq);
        if (retiredSeqs.size() > 4 * activeLimit) {
            retiredSeqs.remove(0);
        }
    }

    boolean hasRetireFrames() {
        return !retirePending.isEmpty();
    }

    int writeRetireFrames(byte[] b, int p, int limit, SentPacket sp) {
        while (!retirePending.isEmpty() && limit - p >= 9) {
            long seq = retirePending.poll();
            p = FrameWriter.retireConnectionId(b, p, seq);
            sp.addControl(SentPacket.K_RETIRE_CONNECTION_ID, seq);
        }
        return p;
    }

    void onRetireLost(long seq) {
        retirePending.add(seq);
    }

    /** True if the datagram's last 16 bytes are the reset token of one of the peer's IDs (RFC 9000 §10.3.1). */
    boolean isStatelessReset(byte[] b, int off, int len) {
        if (len < 21) {
            return false;
        }
        byte[] tail = java.util.Arrays.copyOfRange(b, off + len - 16, off + len);
        boolean match = false;
        for (Remote r : remote) {
            if (r.token() != null && MessageDigest.isEqual(r.token(), tail)) {
                match = true;
            }
        }
        return match;
    }

    int remoteCount() {
        return remote.size();
    }

    long activeRemoteSeq() {
        return active.seq();
    }
}
