package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.bao.RangeSpecSeq;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStatus;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the store holds of some content, and the request that asks a provider for the rest (iroh-blobs
 * {@code api/remote.rs}, {@code LocalInfo::is_complete} and {@code LocalInfo::missing}). It reads the store at each
 * call, so the answer is as of that moment: a caller that must not race another writer asks while it holds that
 * blob's turn (see {@link Downloader}).
 *
 * <p>Unlike iroh's, which works out the root and the children in one request, the root is asked for alone
 * first: its children are known only once it is complete and verified here.
 */
final class LocalInfo {
    /** The largest hash sequence a download follows: 2^20 children (32 MiB of hashes). */
    static final long MAX_HASH_SEQ_BYTES = (1L << 20) * Hash.LENGTH;

    private final BlobStore store;

    LocalInfo(BlobStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Whether everything asked for is in the store: the blob, or for a hash sequence the root and every child, or,
     * with {@code wanted} (chunks of a raw blob; null for all of it), those chunks.
     */
    boolean isComplete(HashAndFormat content, ChunkRanges wanted) throws IOException {
        BlobStatus root = store.status(content.hash());
        if (wanted != null) {
            return root.isComplete() || root instanceof BlobStatus.Partial p && wantedPresent(p, wanted);
        }
        if (!root.isComplete()) {
            return false;
        }
        if (content.format() == BlobFormat.RAW) {
            return true;
        }
        for (Hash child : children(content.hash())) {
            if (!store.status(child).isComplete()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the chunks of {@code wanted} that exist are present: those below the (claimed) size, and, if
     * {@code wanted} reaches past it, the last chunk (which a provider sends for such a request, proving the size).
     */
    private static boolean wantedPresent(BlobStatus.Partial p, ChunkRanges wanted) {
        if (p.size() < 0) {
            return false;
        }
        long chunks = chunks(p.size());
        ChunkRanges w = wanted.intersection(ChunkRanges.of(0, chunks));
        if (!wanted.difference(ChunkRanges.of(0, chunks)).isEmpty()) {
            if (!p.sizeVerified()) {
                return false;
            }
            w = w.union(ChunkRanges.of(Math.max(0, chunks - 1), chunks));
        }
        return w.difference(p.present()).isEmpty();
    }

    private static long chunks(long size) {
        return (size >>> 10) + ((size & 1023) == 0 ? 0 : 1);
    }

    /**
     * The children of a complete hash sequence, in order.
     *
     * @throws DownloadException it is larger than this node follows, or not a hash sequence at all
     */
    List<Hash> children(Hash root) throws IOException {
        // The children list is held in memory; a provider must not be able to make it any size it likes.
        if (store.status(root) instanceof BlobStatus.Complete c && c.size() > MAX_HASH_SEQ_BYTES) {
            throw new DownloadException("hash sequence " + root + " has " + c.size() / Hash.LENGTH
                    + " children, more than the " + MAX_HASH_SEQ_BYTES / Hash.LENGTH + " this node takes");
        }
        byte[] bytes = store.readAll(root);
        try {
            return HashSeq.parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new DownloadException("blob " + root + " is not a hash sequence (" + bytes.length + " bytes)");
        }
    }

    /** What the store lacks of {@code hash}: all for an absent blob, nothing for a complete one. */
    ChunkRanges missing(Hash hash) {
        BlobStatus st = store.status(hash);
        if (st.isComplete()) {
            return ChunkRanges.empty();
        }
        if (st instanceof BlobStatus.Partial p) {
            // Until the size is proven, the blob may be longer than claimed: ask for everything not present.
            return p.sizeVerified() ? ChunkRanges.of(0, chunks(p.size())).difference(p.present())
                    : ChunkRanges.all().difference(p.present());
        }
        return ChunkRanges.all();
    }

    /**
     * The request for what is missing of the blob {@code root} itself (only of {@code wanted}, if not null); empty
     * if nothing is.
     */
    Optional<GetPlan> missingRoot(Hash root, ChunkRanges wanted) {
        ChunkRanges missing = missing(root);
        if (wanted != null) {
            missing = missing.intersection(wanted);
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new GetPlan(new GetRequest(root, RangeSpecSeq.fromRanges(List.of(missing))),
                List.of(new GetPlan.Item(0, root, missing))));
    }

    /**
     * The request for what is missing of {@code children} of the hash sequence {@code root} (nothing of the root
     * itself); empty if nothing is. A hash listed twice is asked for once, at its first place.
     */
    Optional<GetPlan> missingChildren(Hash root, List<Hash> children) {
        List<ChunkRanges> specs = new ArrayList<>();
        List<GetPlan.Item> items = new ArrayList<>();
        specs.add(ChunkRanges.empty());
        Set<Hash> seen = new HashSet<>();
        for (int i = 0; i < children.size(); i++) {
            Hash child = children.get(i);
            ChunkRanges m = seen.add(child) ? missing(child) : ChunkRanges.empty();
            specs.add(m);
            if (!m.isEmpty()) {
                items.add(new GetPlan.Item(i + 1, child, m));
            }
        }
        if (items.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new GetPlan(new GetRequest(root, RangeSpecSeq.fromRanges(specs)), items));
    }
}
