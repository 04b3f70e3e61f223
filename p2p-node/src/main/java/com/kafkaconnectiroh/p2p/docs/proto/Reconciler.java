package com.kafkaconnectiroh.p2p.docs.proto;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Range-based set reconciliation for one sync session, without I/O: a {@link SyncMessage} goes in, the answer
 * (or {@code null}: the session is over) comes out. It follows iroh-docs' {@code ranger.rs} (after Aljoscha
 * Meyer's "Range-Based Set Reconciliation") step for step, with its configuration (at most 1 entry sent in place
 * of a fingerprint, split in 2), so that both sides of a Java-iroh session split ranges alike:
 *
 * <ol>
 *   <li>Each {@code RangeItem} from the peer: unless it says {@code haveLocal}, answer with our entries in its
 *       range that none of its entries supersedes (same identifier, record at least as new), then store its
 *       valid entries.</li>
 *   <li>Each {@code RangeFingerprint}: equal to ours, done; else if we hold at most one entry there or the peer's
 *       range is empty, send our entries; else split the range at our median and send, per half, the entries
 *       (at most one) or a fingerprint.</li>
 * </ol>
 *
 * Entries are checked before they are stored ({@link ValidationFailure}); refused ones count in
 * {@link SyncOutcome#rejected()} and are otherwise ignored, as in iroh. Not thread-safe: one per session.
 */
public final class Reconciler {
    /** iroh's {@code SyncConfig::default()}: up to this many entries are sent instead of a fingerprint. */
    static final int MAX_SET_SIZE = 1;
    /** iroh's {@code SyncConfig::default()}: a differing range is split into this many. */
    static final int SPLIT_FACTOR = 2;

    private final ReplicaView view;
    private final AuthorHeads headsReceived = new AuthorHeads();
    private int received;
    private int inserted;
    private int rejected;
    private int sent;

    public Reconciler(ReplicaView view) {
        this.view = Objects.requireNonNull(view, "view");
    }

    /** The dialer's first message: the fingerprint of everything, as a range from our first identifier to itself. */
    public SyncMessage initialMessage() {
        RecordIdentifier first = view.first();
        Range all = new Range(first, first);
        return new SyncMessage(List.of(new MessagePart.RangeFingerprint(all, fingerprint(all))));
    }

    /**
     * Processes the peer's message at {@code nowMicros} (for the timestamp check) and returns our answer, or
     * {@code null} when there is nothing left to say: the session ends. Same as {@code apply(prepare(...))}.
     */
    public SyncMessage process(SyncMessage message, long nowMicros) {
        return apply(prepare(message, nowMicros));
    }

    /**
     * The part of processing that reads nothing of the replica: checks the peer's entries (signatures included,
     * the costly part). A driver runs it before taking the replica's lock for {@link #apply}.
     */
    public Prepared prepare(SyncMessage message, long nowMicros) {
        List<MessagePart.RangeItem> items = new ArrayList<>();
        List<MessagePart.RangeFingerprint> fingerprints = new ArrayList<>();
        for (MessagePart p : message.parts()) {
            if (p instanceof MessagePart.RangeItem i) {
                items.add(i);
            } else {
                fingerprints.add((MessagePart.RangeFingerprint) p);
            }
        }
        return new Prepared(items, fingerprints, validate(items, nowMicros));
    }

    /** A message whose entries were checked by {@link #prepare}. */
    public static final class Prepared {
        private final List<MessagePart.RangeItem> items;
        private final List<MessagePart.RangeFingerprint> fingerprints;
        private final boolean[] valid;

        private Prepared(List<MessagePart.RangeItem> items, List<MessagePart.RangeFingerprint> fingerprints, boolean[] valid) {
            this.items = items;
            this.fingerprints = fingerprints;
            this.valid = valid;
        }
    }

    /** Answers a prepared message from the replica's current state and stores the peer's valid entries. */
    public SyncMessage apply(Prepared p) {
        List<MessagePart> out = new ArrayList<>();
        int v = 0;
        for (MessagePart.RangeItem item : p.items) {
            List<MessagePart.SyncValue> diff = item.haveLocal() ? null : notSuperseded(item);
            for (MessagePart.SyncValue value : item.values()) {
                if (p.valid[v++] && view.insertRemote(value.entry(), value.status())) {
                    inserted++;
                }
            }
            if (diff != null && !diff.isEmpty()) {
                out.add(new MessagePart.RangeItem(item.range(), diff, true));
            }
        }
        for (MessagePart.RangeFingerprint fp : p.fingerprints) {
            answer(fp, out);
        }
        if (out.isEmpty()) {
            return null;
        }
        SyncMessage reply = new SyncMessage(out);
        sent += reply.valueCount();
        return reply;
    }

    public SyncOutcome outcome() {
        return new SyncOutcome(received, inserted, rejected, sent, headsReceived);
    }

    /** Checks every entry of the items (cheap checks first, then the signatures in one batch). */
    private boolean[] validate(List<MessagePart.RangeItem> items, long nowMicros) {
        List<SignedEntry> toVerify = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        int n = 0;
        for (MessagePart.RangeItem item : items) {
            n += item.values().size();
        }
        boolean[] valid = new boolean[n];
        int i = 0;
        for (MessagePart.RangeItem item : items) {
            for (MessagePart.SyncValue value : item.values()) {
                if (ValidationFailure.checkUnsigned(value.entry(), view.namespace(), nowMicros) == null) {
                    toVerify.add(value.entry());
                    positions.add(i);
                }
                i++;
            }
        }
        boolean[] verified = toVerify.isEmpty() ? new boolean[0] : view.verify(toVerify);
        for (int j = 0; j < verified.length; j++) {
            valid[positions.get(j)] = verified[j];
        }
        received += n;
        i = 0;
        for (MessagePart.RangeItem item : items) {
            for (MessagePart.SyncValue value : item.values()) {
                if (valid[i++]) {
                    headsReceived.insert(value.entry().author(), value.entry().timestamp());
                } else {
                    rejected++;
                }
            }
        }
        return valid;
    }

    /** Our entries in the item's range that none of the peer's entries supersedes, with our content status. */
    private List<MessagePart.SyncValue> notSuperseded(MessagePart.RangeItem item) {
        java.util.Map<RecordIdentifier, Record> theirs = new java.util.HashMap<>();
        for (MessagePart.SyncValue v : item.values()) {
            theirs.merge(v.entry().id(), v.entry().record(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
        List<MessagePart.SyncValue> diff = new ArrayList<>();
        for (SignedEntry ours : entries(item.range())) {
            Record their = theirs.get(ours.id());
            if (their == null || their.compareTo(ours.record()) < 0) {
                diff.add(new MessagePart.SyncValue(ours, view.contentStatus(ours)));
            }
        }
        return diff;
    }

    private void answer(MessagePart.RangeFingerprint fp, List<MessagePart> out) {
        Range range = fp.range();
        ReplicaView.RangeSummary local = summarize(range);
        if (Fingerprint.ofXor(local.xor()).equals(fp.fingerprint())) {
            return;
        }
        if (local.count() <= 1 || fp.fingerprint().equals(Fingerprint.EMPTY)) {
            out.add(new MessagePart.RangeItem(range, withStatus(entries(range)), false));
            return;
        }
        List<Range> halves = split(range, local.count());
        for (Range r : halves) {
            if (count(r) > MAX_SET_SIZE) {
                out.add(new MessagePart.RangeFingerprint(r, fingerprint(r)));
            } else {
                out.add(new MessagePart.RangeItem(r, withStatus(entries(r)), false));
            }
        }
    }

    /**
     * Splits a range holding {@code n >= 2} of our entries at pivots chosen as iroh does: the entries are taken
     * in the order the range is walked (a wrapping range: from the start of the set up to {@code y}, then from
     * {@code x} to the end), offset by how many of them lie before {@code x}.
     */
    private List<Range> split(Range range, int n) {
        int startIndex = range.isAll() ? view.count(null, range.x()) : range.wraps() ? view.count(null, range.y()) : 0;
        List<Range> ranges = new ArrayList<>(SPLIT_FACTOR);
        if (range.isAll()) {
            for (int i = 0; i < SPLIT_FACTOR; i++) {
                RecordIdentifier x = pivot(range, n, startIndex, i);
                RecordIdentifier y = pivot(range, n, startIndex, i + 1);
                if (!x.equals(y)) {
                    ranges.add(new Range(x, y));
                }
            }
        } else {
            ranges.add(new Range(range.x(), pivot(range, n, startIndex, 0)));
            for (int i = 0; i < SPLIT_FACTOR - 2; i++) {
                RecordIdentifier x = pivot(range, n, startIndex, i);
                RecordIdentifier y = pivot(range, n, startIndex, i + 1);
                if (!x.equals(y)) {
                    ranges.add(new Range(x, y));
                }
            }
            ranges.add(new Range(pivot(range, n, startIndex, SPLIT_FACTOR - 2), range.y()));
        }
        return ranges;
    }

    private RecordIdentifier pivot(Range range, int n, int startIndex, int i) {
        int k = i % SPLIT_FACTOR;
        int offset = (int) (((long) n * (k + 1)) / SPLIT_FACTOR);
        int index = (startIndex + offset) % n;
        if (range.isAll()) {
            return view.idAt(null, null, index);
        }
        if (!range.wraps()) {
            return view.idAt(range.x(), range.y(), index);
        }
        int below = view.count(null, range.y());
        return index < below ? view.idAt(null, range.y(), index) : view.idAt(range.x(), null, index - below);
    }

    private ReplicaView.RangeSummary summarize(Range range) {
        if (range.isAll()) {
            return view.summarize(null, null);
        }
        if (!range.wraps()) {
            return view.summarize(range.x(), range.y());
        }
        ReplicaView.RangeSummary a = view.summarize(null, range.y());
        ReplicaView.RangeSummary b = view.summarize(range.x(), null);
        byte[] xor = a.xor().clone();
        Fingerprint.xorInto(xor, b.xor());
        return new ReplicaView.RangeSummary(a.count() + b.count(), xor);
    }

    private int count(Range range) {
        if (range.isAll()) {
            return view.count(null, null);
        }
        if (!range.wraps()) {
            return view.count(range.x(), range.y());
        }
        return view.count(null, range.y()) + view.count(range.x(), null);
    }

    private Fingerprint fingerprint(Range range) {
        return Fingerprint.ofXor(summarize(range).xor());
    }

    /** Our entries in the range, in the order iroh walks it. */
    private List<SignedEntry> entries(Range range) {
        if (range.isAll()) {
            return view.entries(null, null);
        }
        if (!range.wraps()) {
            return view.entries(range.x(), range.y());
        }
        List<SignedEntry> all = new ArrayList<>(view.entries(null, range.y()));
        all.addAll(view.entries(range.x(), null));
        return all;
    }

    private List<MessagePart.SyncValue> withStatus(List<SignedEntry> entries) {
        List<MessagePart.SyncValue> values = new ArrayList<>(entries.size());
        for (SignedEntry e : entries) {
            values.add(new MessagePart.SyncValue(e, view.contentStatus(e)));
        }
        return values;
    }
}
