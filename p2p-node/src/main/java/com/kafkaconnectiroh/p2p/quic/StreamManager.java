package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.frame.Frame;
import com.kafkaconnectiroh.p2p.quic.frame.FrameType;
import com.kafkaconnectiroh.p2p.quic.frame.FrameWriter;
import com.kafkaconnectiroh.p2p.quic.params.TransportParameters;
import com.kafkaconnectiroh.p2p.quic.recovery.SentPacket;
import com.kafkaconnectiroh.p2p.quic.stream.ChunkPool;
import com.kafkaconnectiroh.p2p.quic.stream.RecvStream;
import com.kafkaconnectiroh.p2p.quic.stream.SendStream;
import com.kafkaconnectiroh.p2p.quic.util.LongMap;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import com.kafkaconnectiroh.p2p.quic.wire.VarInt;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * All streams of a connection: the two ID spaces per direction and initiator, stream-count credit (MAX_STREAMS,
 * renewed as peer streams finish), connection and stream flow control in both directions, the bounded send
 * buffers, round-robin scheduling of STREAM frames, and the stream control frames waiting to be sent.
 */
final class StreamManager {
    /** Both halves of one stream and its scheduling flags. */
    static final class StreamState {
        final long id;
        final SendStream send;
        final RecvStream recv;
        boolean queued; // in sendQueue
        boolean controlQueued; // in controlQueue
        boolean maxStreamDataPending;
        boolean readableNotified;
        boolean finishedNotified;
        boolean inWriteBlocked; // in writeBlocked
        /** Emit StreamAcked once the peer acknowledged everything below this offset; -1 when not asked. */
        long ackNotifyAt = -1;

        StreamState(long id, SendStream send, RecvStream recv) {
            this.id = id;
            this.send = send;
            this.recv = recv;
        }
    }

    private final boolean isClient;
    private final TransportConfig config;
    private final Queue<ConnectionEvent> events;
    private final LongMap<StreamState> streams = new LongMap<>();

    // local stream opening, bounded by the peer's MAX_STREAMS
    private long nextLocalBidi;
    private long nextLocalUni;
    private long peerMaxBidi;
    private long peerMaxUni;
    private long streamsBlockedBidiReported = -1;
    private long streamsBlockedUniReported = -1;
    boolean streamsBlockedBidiPending;
    boolean streamsBlockedUniPending;

    // peer stream opening, bounded by ours
    private long nextRemoteBidi;
    private long nextRemoteUni;
    private long maxRemoteBidi;
    private long maxRemoteUni;
    private long closedRemoteBidi;
    private long closedRemoteUni;
    boolean maxStreamsBidiPending;
    boolean maxStreamsUniPending;
    private final ArrayDeque<Long> acceptBidi = new ArrayDeque<>();
    private final ArrayDeque<Long> acceptUni = new ArrayDeque<>();

    // peer's initial stream limits, once known
    private long peerStreamDataBidiLocal;
    private long peerStreamDataBidiRemote;
    private long peerStreamDataUni;

    // connection flow control: sending
    private long peerMaxData;
    private long sentData;
    private long dataBlockedReported = -1;
    boolean dataBlockedPending;
    private long sendBuffered;

    // connection flow control: receiving
    private long localMaxData;
    private long receivedData;
    private long consumedData;
    boolean maxDataPending;

    private final ArrayDeque<StreamState> sendQueue = new ArrayDeque<>();
    private final ArrayDeque<StreamState> controlQueue = new ArrayDeque<>();
    private final ArrayDeque<StreamState> writeBlocked = new ArrayDeque<>();
    private final long[] chunk = new long[4];
    /** Idle buffer chunks shared by this connection's streams (up to 2 MiB). */
    private final ChunkPool pool = new ChunkPool(128);

    long streamBytesSent;
    long streamBytesReceived;

    StreamManager(boolean isClient, TransportConfig config, Queue<ConnectionEvent> events) {
        this.isClient = isClient;
        this.config = config;
        this.events = events;
        this.maxRemoteBidi = config.maxConcurrentBidiStreams();
        this.maxRemoteUni = config.maxConcurrentUniStreams();
        this.localMaxData = config.connectionReceiveWindow();
    }

    /** The peer's transport parameters set our sending limits. */
    void applyPeerParameters(TransportParameters tp) {
        peerMaxData = Math.max(peerMaxData, tp.initialMaxData);
        peerMaxBidi = Math.max(peerMaxBidi, tp.initialMaxStreamsBidi);
        peerMaxUni = Math.max(peerMaxUni, tp.initialMaxStreamsUni);
        peerStreamDataBidiLocal = tp.initialMaxStreamDataBidiLocal;
        peerStreamDataBidiRemote = tp.initialMaxStreamDataBidiRemote;
        peerStreamDataUni = tp.initialMaxStreamDataUni;
    }

    // ---------------------------------------------------------------- application side

    long open(boolean bidi) {
        long next = bidi ? nextLocalBidi : nextLocalUni;
        long max = bidi ? peerMaxBidi : peerMaxUni;
        if (next >= max) {
            if (bidi && streamsBlockedBidiReported != max) {
                streamsBlockedBidiPending = true;
            } else if (!bidi && streamsBlockedUniReported != max) {
                streamsBlockedUniPending = true;
            }
            return -1;
        }
        long id = StreamId.of(isClient, bidi, next);
        if (bidi) {
            nextLocalBidi++;
        } else {
            nextLocalUni++;
        }
        SendStream s = new SendStream(id, bidi ? peerStreamDataBidiRemote : peerStreamDataUni,
                config.streamSendBufferSize(), pool);
        RecvStream r = bidi ? new RecvStream(id, config.streamReceiveWindow(), pool) : null;
        streams.put(id, new StreamState(id, s, r));
        return id;
    }

    long accept(boolean bidi) {
        Long id = bidi ? acceptBidi.poll() : acceptUni.poll();
        return id == null ? -1 : id;
    }

    private StreamState known(long id) {
        StreamState st = streams.get(id);
        if (st == null) {
            throw new StreamException(StreamException.Kind.UNKNOWN_STREAM, id, 0, "no open stream " + id);
        }
        return st;
    }

    int write(long id, ByteBuffer src) {
        StreamState st = known(id);
        if (st.send == null) {
            throw new StreamException(StreamException.Kind.UNKNOWN_STREAM, id, 0, "stream " + id + " is receive-only");
        }
        SendStream s = st.send;
        if (s.stopCode() >= 0) {
            throw new StreamException(StreamException.Kind.STOPPED, id, s.stopCode(),
                    "peer stopped stream " + id + " with code " + s.stopCode());
        }
        if (s.state() != SendStream.State.SEND || s.isFinished()) {
            throw new StreamException(StreamException.Kind.UNKNOWN_STREAM, id, 0,
                    "stream " + id + " is finished or reset; no more writes");
        }
        long connRoom = Math.max(0, config.connectionSendBufferSize() - sendBuffered);
        int n = s.write(src, connRoom);
        sendBuffered += n;
        if (s.isWriteBlocked() && !st.inWriteBlocked) {
            st.inWriteBlocked = true;
            writeBlocked.add(st);
        }
        if (n > 0) {
            schedule(st);
        }
        return n;
    }

    void finish(long id) {
        StreamState st = known(id);
        if (st.send == null) {
            throw new StreamException(StreamException.Kind.UNKNOWN_STREAM, id, 0, "stream " + id + " is receive-only");
        }
        if (st.send.stopCode() >= 0) {
            throw new StreamException(StreamException.Kind.STOPPED, id, st.send.stopCode(),
                    "peer stopped stream " + id + " with code " + st.send.stopCode());
        }
        st.send.finish();
        schedule(st);
    }

    /**
     * Reads in-order bytes; -1 at the end of the stream. Throws if the peer reset it.
     */
    int read(long id, ByteBuffer dst) {
        StreamState st = streams.get(id);
        if (st == null && wasOpened(id)) {
            // read to the end (or reset and reported) and forgotten: the end stays the end
            return -1;
        }
        st = known(id);
        if (st.recv == null) {
            throw new StreamException(StreamException.Kind.UNKNOWN_STREAM, id, 0, "stream " + id + " is send-only");
        }
        RecvStream r = st.recv;
        int n = r.read(dst);
        if (n == -2) {
            long code = r.resetCode();
            maybeRemove(st);
            throw new StreamException(StreamException.Kind.RESET, id, code,
                    "peer reset stream " + id + " with code " + code);
        }
        if (n > 0) {
            consumedData += n;
            updateConnectionWindow();
            if (r.windowUpdate() >= 0) {
                st.maxStreamDataPending = true;
                queueControl(st);
            }
        }
        if (n <= 0) {
            st.readableNotified = false;
        }
        if (n == -1) {
            maybeRemove(st);
        }
        return n;
    }

    /** True for a stream ID that was opened at some point (it may be finished and forgotten since). */
    private boolean wasOpened(long id) {
        boolean bidi = StreamId.isBidi(id);
        long index = StreamId.index(id);
        if (StreamId.isLocal(id, isClient)) {
            return index < (bidi ? nextLocalBidi : nextLocalUni);
        }
        return index < (bidi ? nextRemoteBidi : nextRemoteUni);
    }

    void reset(long id, long code) {
        StreamState st = known(id);
        if (st.send == null) {
            throw new StreamException(StreamException.Kind.UNKNOWN_STREAM, id, 0, "stream " + id + " is receive-only");
        }
        long freed = st.send.reset(code);
        sendBuffered -= freed;
        if (st.send.isResetPending()) {
            queueControl(st);
        }
        onBufferFreed(freed);
    }

    void stop(long id, long code) {
        StreamState st = known(id);
        if (st.recv == null) {
            throw new StreamException(StreamException.Kind.UNKNOWN_STREAM, id, 0, "stream " + id + " is send-only");
        }
        long unread = st.recv.stop(code);
        consumedData += unread;
        updateConnectionWindow();
        if (st.recv.isStopPending()) {
            queueControl(st);
        }
        maybeRemove(st);
    }

    boolean isReadable(long id) {
        StreamState st = streams.get(id);
        return st != null && st.recv != null && st.recv.isReadable();
    }

    /** Bytes {@code write} would accept now. */
    long writable(long id) {
        StreamState st = streams.get(id);
        if (st == null || st.send == null) {
            return 0;
        }
        return Math.min(st.send.writable(), Math.max(0, config.connectionSendBufferSize() - sendBuffered));
    }

    // ---------------------------------------------------------------- frames from the peer

    /** Finds or implicitly opens the stream a frame names; null if it is already gone. */
    private StreamState forFrame(long id, long frameType, boolean needRecv, boolean needSend)
            throws TransportException {
        boolean local = StreamId.isLocal(id, isClient);
        boolean bidi = StreamId.isBidi(id);
        if (!bidi) {
            // a unidirectional stream has one half: ours if local, theirs if remote
            if (local && needRecv) {
                throw new TransportException(TransportError.STREAM_STATE_ERROR, frameType,
                        "frame for receiving on our send-only stream " + id);
            }
            if (!local && needSend) {
                throw new TransportException(TransportError.STREAM_STATE_ERROR, frameType,
                        "frame for sending on peer's send-only stream " + id);
            }
        }
        long index = StreamId.index(id);
        if (local) {
            long next = bidi ? nextLocalBidi : nextLocalUni;
            if (index >= next) {
                throw new TransportException(TransportError.STREAM_STATE_ERROR, frameType,
                        "frame for stream " + id + " we have not opened");
            }
            return streams.get(id);
        }
        long next = bidi ? nextRemoteBidi : nextRemoteUni;
        if (index < next) {
            return streams.get(id);
        }
        long max = bidi ? maxRemoteBidi : maxRemoteUni;
        if (index >= max) {
            throw new TransportException(TransportError.STREAM_LIMIT_ERROR, frameType,
                    "peer opened stream " + id + " beyond our limit of " + max + (bidi ? " bidi" : " uni") + " streams");
        }
        // open every stream of this type up to and including this one (RFC 9000 §3.2)
        for (long i = next; i <= index; i++) {
            long sid = StreamId.of(!isClient, bidi, i);
            SendStream s = bidi ? new SendStream(sid, peerStreamDataBidiLocal, config.streamSendBufferSize(), pool)
                    : null;
            RecvStream r = new RecvStream(sid, config.streamReceiveWindow(), pool);
            streams.put(sid, new StreamState(sid, s, r));
            (bidi ? acceptBidi : acceptUni).add(sid);
        }
        if (bidi) {
            nextRemoteBidi = index + 1;
        } else {
            nextRemoteUni = index + 1;
        }
        events.add(new ConnectionEvent.StreamOpened(bidi));
        return streams.get(id);
    }

    void onStream(Frame.Stream f) throws TransportException {
        StreamState st = forFrame(f.streamId(), FrameType.STREAM, true, false);
        if (st == null) {
            return;
        }
        RecvStream r = st.recv;
        long grown = r.onData(f.offset(), f.buf(), f.off(), f.len(), f.fin());
        chargeReceived(grown, FrameType.STREAM);
        streamBytesReceived += grown;
        if (r.isStopped()) {
            consumedData += grown;
            updateConnectionWindow();
            maybeRemove(st);
            return;
        }
        notifyReadable(st);
    }

    private void chargeReceived(long grown, long frameType) throws TransportException {
        receivedData += grown;
        if (receivedData > localMaxData) {
            throw new TransportException(TransportError.FLOW_CONTROL_ERROR, frameType,
                    "peer sent " + receivedData + " bytes on the connection, our limit is " + localMaxData);
        }
    }

    private void notifyReadable(StreamState st) {
        if (!st.readableNotified && st.recv.isReadable()) {
            st.readableNotified = true;
            events.add(new ConnectionEvent.StreamReadable(st.id));
        }
    }

    void onResetStream(Frame.ResetStream f) throws TransportException {
        StreamState st = forFrame(f.streamId(), FrameType.RESET_STREAM, true, false);
        if (st == null) {
            return;
        }
        RecvStream r = st.recv;
        boolean wasReset = r.state() == RecvStream.State.RESET_RECVD || r.state() == RecvStream.State.RESET_READ;
        long readBefore = r.readOffset();
        long grown = r.onReset(f.errorCode(), f.finalSize());
        chargeReceived(grown, FrameType.RESET_STREAM);
        if (!wasReset && r.state() == RecvStream.State.RESET_RECVD && !r.isStopped()) {
            // the unread rest of the stream will never be read: count it as consumed for the connection window
            consumedData += f.finalSize() - readBefore;
            updateConnectionWindow();
            events.add(new ConnectionEvent.StreamReset(st.id, f.errorCode()));
            st.readableNotified = false;
            notifyReadable(st);
        } else if (r.isStopped()) {
            consumedData += grown;
            updateConnectionWindow();
        }
        maybeRemove(st);
    }

    void onStopSending(Frame.StopSending f) throws TransportException {
        StreamState st = forFrame(f.streamId(), FrameType.STOP_SENDING, false, true);
        if (st == null) {
            return;
        }
        SendStream s = st.send;
        boolean first = s.stopCode() < 0;
        s.onStopSending(f.errorCode());
        if (first) {
            // RFC 9000 §3.5: answer with RESET_STREAM carrying the same code
            long freed = s.reset(f.errorCode());
            sendBuffered -= freed;
            if (s.isResetPending()) {
                queueControl(st);
            }
            onBufferFreed(freed);
            events.add(new ConnectionEvent.StreamStopped(st.id, f.errorCode()));
        }
    }

    void onMaxStreamData(Frame.MaxStreamData f) throws TransportException {
        StreamState st = forFrame(f.streamId(), FrameType.MAX_STREAM_DATA, false, true);
        if (st == null) {
            return;
        }
        if (st.send.onMaxStreamData(f.max())) {
            schedule(st);
        }
    }

    void onStreamDataBlocked(Frame.StreamDataBlocked f) throws TransportException {
        StreamState st = forFrame(f.streamId(), FrameType.STREAM_DATA_BLOCKED, true, false);
        if (st != null && st.recv.currentMaxStreamData() >= 0 && f.limit() >= st.recv.maxStreamData()) {
            // the peer is waiting on us: make sure our current limit reaches it
            st.maxStreamDataPending = true;
            queueControl(st);
        }
    }

    void onMaxData(long max) {
        // streams held back only by connection credit stayed in sendQueue, so raising the limit is enough
        peerMaxData = Math.max(peerMaxData, max);
    }

    void onMaxStreams(boolean bidi, long max) {
        if (bidi) {
            peerMaxBidi = Math.max(peerMaxBidi, max);
        } else {
            peerMaxUni = Math.max(peerMaxUni, max);
        }
    }

    // ---------------------------------------------------------------- bookkeeping

    private void schedule(StreamState st) {
        if (!st.queued && st.send != null) {
            st.queued = true;
            sendQueue.add(st);
        }
    }

    private void queueControl(StreamState st) {
        if (!st.controlQueued) {
            st.controlQueued = true;
            controlQueue.add(st);
        }
    }

    private void updateConnectionWindow() {
        long window = config.connectionReceiveWindow();
        long target = consumedData + window;
        if (target - localMaxData >= window / 2) {
            localMaxData = target;
            maxDataPending = true;
        }
    }

    private void onBufferFreed(long freed) {
        if (freed <= 0 || writeBlocked.isEmpty()) {
            return;
        }
        int n = writeBlocked.size();
        for (int i = 0; i < n; i++) {
            StreamState st = writeBlocked.poll();
            if (st.send == null || !st.send.isWriteBlocked() || streams.get(st.id) != st) {
                st.inWriteBlocked = false;
                continue;
            }
            if (writable(st.id) > 0) {
                st.send.clearWriteBlocked();
                st.inWriteBlocked = false;
                events.add(new ConnectionEvent.StreamWritable(st.id));
            } else {
                writeBlocked.add(st);
            }
        }
    }

    private void maybeRemove(StreamState st) {
        boolean sendDone = st.send == null || st.send.isDone();
        boolean recvDone = st.recv == null || st.recv.isDone();
        if (!sendDone || !recvDone || st.controlQueued) {
            return;
        }
        if (streams.remove(st.id) == null) {
            return;
        }
        if (!StreamId.isLocal(st.id, isClient)) {
            // a peer stream is finished: let the peer open another (RFC 9000 §4.6)
            if (StreamId.isBidi(st.id)) {
                closedRemoteBidi++;
                maxRemoteBidi = closedRemoteBidi + config.maxConcurrentBidiStreams();
                maxStreamsBidiPending = true;
            } else {
                closedRemoteUni++;
                maxRemoteUni = closedRemoteUni + config.maxConcurrentUniStreams();
                maxStreamsUniPending = true;
            }
        }
    }

    // ---------------------------------------------------------------- sending

    boolean hasStreamData() {
        long credit = peerMaxData - sentData;
        for (StreamState st : sendQueue) {
            if (st.send.hasPendingData(credit)) {
                return true;
            }
        }
        return false;
    }

    boolean hasControlFrames() {
        return maxDataPending || maxStreamsBidiPending || maxStreamsUniPending || dataBlockedPending
                || streamsBlockedBidiPending || streamsBlockedUniPending || !controlQueue.isEmpty();
    }

    /** Writes pending stream control frames; returns the new position. */
    int writeControlFrames(byte[] b, int p, int limit, SentPacket sp) {
        if (maxDataPending && limit - p >= 9) {
            p = FrameWriter.maxData(b, p, localMaxData);
            sp.flags |= SentPacket.F_MAX_DATA;
            maxDataPending = false;
        }
        if (maxStreamsBidiPending && limit - p >= 9) {
            p = FrameWriter.maxStreams(b, p, true, maxRemoteBidi);
            sp.flags |= SentPacket.F_MAX_STREAMS_BIDI;
            maxStreamsBidiPending = false;
        }
        if (maxStreamsUniPending && limit - p >= 9) {
            p = FrameWriter.maxStreams(b, p, false, maxRemoteUni);
            sp.flags |= SentPacket.F_MAX_STREAMS_UNI;
            maxStreamsUniPending = false;
        }
        if (dataBlockedPending && limit - p >= 9) {
            p = FrameWriter.dataBlocked(b, p, peerMaxData);
            sp.flags |= SentPacket.F_DATA_BLOCKED;
            dataBlockedPending = false;
        }
        if (streamsBlockedBidiPending && limit - p >= 9) {
            p = FrameWriter.streamsBlocked(b, p, true, peerMaxBidi);
            streamsBlockedBidiReported = peerMaxBidi;
            sp.flags |= SentPacket.F_STREAMS_BLOCKED_BIDI;
            streamsBlockedBidiPending = false;
        }
        if (streamsBlockedUniPending && limit - p >= 9) {
            p = FrameWriter.streamsBlocked(b, p, false, peerMaxUni);
            streamsBlockedUniReported = peerMaxUni;
            sp.flags |= SentPacket.F_STREAMS_BLOCKED_UNI;
            streamsBlockedUniPending = false;
        }
        int n = controlQueue.size();
        for (int i = 0; i < n; i++) {
            StreamState st = controlQueue.peek();
            // worst case for one stream: RESET (25) + STOP (17) + MAX_STREAM_DATA (17)
            if (limit - p < 60) {
                break;
            }
            controlQueue.poll();
            st.controlQueued = false;
            if (st.send != null && st.send.isResetPending()) {
                p = FrameWriter.resetStream(b, p, st.id, st.send.resetCode(), st.send.finalSize());
                st.send.onResetSent();
                sp.addControl(SentPacket.K_RESET_STREAM, st.id);
            }
            if (st.recv != null && st.recv.isStopPending()) {
                p = FrameWriter.stopSending(b, p, st.id, st.recv.stopCode());
                st.recv.onStopSent();
                sp.addControl(SentPacket.K_STOP_SENDING, st.id);
            }
            if (st.maxStreamDataPending) {
                st.maxStreamDataPending = false;
                long max = st.recv == null ? -1 : st.recv.currentMaxStreamData();
                if (max >= 0) {
                    p = FrameWriter.maxStreamData(b, p, st.id, max);
                    sp.addControl(SentPacket.K_MAX_STREAM_DATA, st.id);
                }
            }
            maybeRemove(st);
        }
        return p;
    }

    /**
     * Fills the packet with STREAM frames, round-robin across streams with data. Returns the new position.
     */
    int writeStreamFrames(byte[] b, int p, int limit, SentPacket sp) {
        int rounds = sendQueue.size();
        while (rounds-- > 0 && limit - p > 8) {
            StreamState st = sendQueue.poll();
            st.queued = false;
            SendStream s = st.send;
            long credit = peerMaxData - sentData;
            if (s.isBlockedByStreamLimit() && limit - p >= 17) {
                p = FrameWriter.streamDataBlocked(b, p, st.id, s.maxStreamData());
                s.onBlockedReported();
                sp.addControl(SentPacket.K_STREAM_DATA_BLOCKED, st.id);
            }
            if (!s.hasPendingData(credit)) {
                if (credit <= 0 && s.sendOffset() < s.writeOffset() && s.sendOffset() < s.maxStreamData()) {
                    // held back by connection credit: keep it queued for MAX_DATA, report once per limit
                    if (dataBlockedReported != peerMaxData) {
                        dataBlockedReported = peerMaxData;
                        dataBlockedPending = true;
                    }
                    st.queued = true;
                    sendQueue.add(st);
                }
                continue;
            }
            int room = limit - p;
            // peek at the offset to size the header exactly, then take a chunk that fits
            if (!s.nextChunk(room, credit, chunk)) {
                continue;
            }
            int hdrNoLen = FrameWriter.streamHeaderSize(st.id, chunk[0], 0, false);
            if (room <= hdrNoLen) {
                st.queued = true;
                sendQueue.addFirst(st);
                break;
            }
            s.nextChunk(room - hdrNoLen, credit, chunk);
            long offset = chunk[0];
            int len = (int) chunk[1];
            boolean fin = chunk[2] != 0;
            int newBytes = (int) chunk[3];
            // a frame that fills the packet exactly needs no length field
            boolean fillsPacket = len == room - hdrNoLen;
            if (!fillsPacket) {
                int hdr = hdrNoLen + VarInt.size(len);
                if (hdr + len > room) {
                    len = room - hdr;
                    fin = false;
                    newBytes = Math.min(newBytes, len);
                }
                if (len <= 0 && !fin) {
                    st.queued = true;
                    sendQueue.addFirst(st);
                    break;
                }
            }
            p = FrameWriter.streamHeader(b, p, st.id, offset, len, fin, !fillsPacket);
            s.copy(offset, b, p, len);
            p += len;
            s.onSent(offset, len, fin);
            sentData += newBytes;
            streamBytesSent += newBytes;
            sp.addStream(st.id, offset, len, fin);
            if (s.hasPendingData(peerMaxData - sentData)) {
                st.queued = true;
                sendQueue.add(st);
            } else if (s.sendOffset() < s.writeOffset() && peerMaxData - sentData <= 0) {
                st.queued = true;
                sendQueue.add(st);
                if (dataBlockedReported != peerMaxData) {
                    dataBlockedReported = peerMaxData;
                    dataBlockedPending = true;
                }
            }
            if (fillsPacket) {
                break;
            }
        }
        return p;
    }

    // ---------------------------------------------------------------- acknowledgements and losses

    void onStreamFrameAcked(long id, long offset, int len, boolean fin) {
        StreamState st = streams.get(id);
        if (st == null || st.send == null) {
            return;
        }
        long freed = st.send.onAck(offset, len, fin);
        sendBuffered -= freed;
        onBufferFreed(freed);
        if (st.ackNotifyAt >= 0 && st.send.ackedOffset() >= st.ackNotifyAt) {
            st.ackNotifyAt = -1;
            events.add(new ConnectionEvent.StreamAcked(id, st.send.ackedOffset()));
        }
        if (st.send.state() == SendStream.State.DATA_RECVD && !st.finishedNotified) {
            st.finishedNotified = true;
            events.add(new ConnectionEvent.StreamFinished(id));
        }
        maybeRemove(st);
    }

    /** Every byte below the result was acknowledged by the peer; -1 for a stream not (or no longer) held. */
    long ackedOffset(long id) {
        StreamState st = streams.get(id);
        return st == null || st.send == null ? -1 : st.send.ackedOffset();
    }

    /** One StreamAcked event once the acknowledged offset reaches {@code offset} (replaces an earlier request). */
    void notifyAcked(long id, long offset) {
        StreamState st = streams.get(id);
        if (st != null && st.send != null) {
            st.ackNotifyAt = offset;
        }
    }

    void onStreamFrameLost(long id, long offset, int len, boolean fin) {
        StreamState st = streams.get(id);
        if (st == null || st.send == null) {
            return;
        }
        st.send.onLost(offset, len, fin);
        schedule(st);
    }

    void onControlAcked(int kind, long id) {
        StreamState st = streams.get(id);
        if (st == null) {
            return;
        }
        if (kind == SentPacket.K_RESET_STREAM && st.send != null) {
            st.send.onResetAcked();
            maybeRemove(st);
        }
    }

    void onControlLost(int kind, long id) {
        StreamState st = streams.get(id);
        if (st == null) {
            return;
        }
        switch (kind) {
            case SentPacket.K_RESET_STREAM -> {
                if (st.send != null) {
                    st.send.onResetLost();
                    if (st.send.isResetPending()) {
                        queueControl(st);
                    }
                }
            }
            case SentPacket.K_STOP_SENDING -> {
                if (st.recv != null) {
                    st.recv.onStopLost();
                    if (st.recv.isStopPending()) {
                        queueControl(st);
                    }
                }
            }
            case SentPacket.K_MAX_STREAM_DATA -> {
                if (st.recv != null && st.recv.currentMaxStreamData() >= 0) {
                    st.maxStreamDataPending = true;
                    queueControl(st);
                }
            }
            case SentPacket.K_STREAM_DATA_BLOCKED -> {
                if (st.send != null) {
                    st.send.onBlockedLost();
                    schedule(st);
                }
            }
            default -> {
            }
        }
    }

    void onFlagsLost(int flags) {
        if ((flags & SentPacket.F_MAX_DATA) != 0) {
            maxDataPending = true;
        }
        if ((flags & SentPacket.F_MAX_STREAMS_BIDI) != 0) {
            maxStreamsBidiPending = true;
        }
        if ((flags & SentPacket.F_MAX_STREAMS_UNI) != 0) {
            maxStreamsUniPending = true;
        }
        if ((flags & SentPacket.F_DATA_BLOCKED) != 0 && dataBlockedReported == peerMaxData) {
            dataBlockedPending = true;
        }
        if ((flags & SentPacket.F_STREAMS_BLOCKED_BIDI) != 0 && nextLocalBidi >= peerMaxBidi) {
            streamsBlockedBidiPending = true;
        }
        if ((flags & SentPacket.F_STREAMS_BLOCKED_UNI) != 0 && nextLocalUni >= peerMaxUni) {
            streamsBlockedUniPending = true;
        }
    }

    // ---------------------------------------------------------------- introspection (tests, stats)

    int openStreams() {
        return streams.size();
    }

    long sendBuffered() {
        return sendBuffered;
    }

    long receiveWindowLimit() {
        return localMaxData;
    }

    long receivedData() {
        return receivedData;
    }

    long peerMaxData() {
        return peerMaxData;
    }

    long sentData() {
        return sentData;
    }

    long peerMaxStreams(boolean bidi) {
        return bidi ? peerMaxBidi : peerMaxUni;
    }

    long localMaxStreams(boolean bidi) {
        return bidi ? maxRemoteBidi : maxRemoteUni;
    }

    /** Memory held by stream buffers. */
    long allocatedBytes() {
        long[] total = {0};
        streams.forEachValue(st -> {
            if (st.send != null) {
                total[0] += st.send.allocatedBytes();
            }
            if (st.recv != null) {
                total[0] += st.recv.allocatedBytes();
            }
        });
        return total[0];
    }
}
