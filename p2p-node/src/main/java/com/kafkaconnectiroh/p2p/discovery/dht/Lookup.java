package com.kafkaconnectiroh.p2p.discovery.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One iterative lookup (BEP 5 "find the k closest nodes", used by find_node, get_peers and BEP 44 get): keep the
 * candidates sorted by XOR distance to the target, query up to {@code alpha} of the closest unqueried ones at a time,
 * add the nodes each answer names, and finish when the {@code k} closest that have not failed have all answered
 * (or nothing is left to ask). Seeds without a known id (bootstrap addresses) sort last. Each answer is handed to
 * {@code onReply} (to collect peers or items) before its nodes are merged. Thread-safe: answers arrive on the
 * node's receive thread, timeouts on its timer.
 */
final class Lookup {
    record Responder(NodeInfo node, byte[] token) {
    }

    record Result(List<Responder> closest, int queried) {
    }

    private enum State { NEW, ASKED, ANSWERED, FAILED }

    private static final class Candidate {
        Id20 id; // null for a bootstrap address not yet heard from
        final InetSocketAddress addr;
        State state = State.NEW;
        byte[] token;

        Candidate(Id20 id, InetSocketAddress addr) {
            this.id = id;
            this.addr = addr;
        }
    }

    /** Sends one query; the future holds the reply's {@code r} dictionary. */
    interface Transport {
        CompletableFuture<Map<String, Object>> query(InetSocketAddress to, String method, Map<String, Object> args);
    }

    private static final int MAX_CANDIDATES = 256; // a hostile answerer cannot make one lookup unbounded

    private final Id20 self;
    private final InetSocketAddress selfAddr;
    private final Id20 target;
    private final String method;
    private final Function<Id20, Map<String, Object>> args;
    private final java.util.function.Consumer<Map<String, Object>> onReply;
    private final Transport transport;
    private final int k;
    private final int alpha;
    private final List<Candidate> candidates = new ArrayList<>();
    private final Set<InetSocketAddress> known = new HashSet<>();
    private final CompletableFuture<Result> done = new CompletableFuture<>();
    private final Comparator<Candidate> byDistance;
    private int inFlight;
    private int queried;

    Lookup(Id20 self, InetSocketAddress selfAddr, Id20 target, String method, Function<Id20, Map<String, Object>> args,
           java.util.function.Consumer<Map<String, Object>> onReply, Transport transport, int k, int alpha) {
        this.self = self;
        this.selfAddr = selfAddr;
        this.target = target;
        this.method = method;
        this.args = args;
        this.onReply = onReply;
        this.transport = transport;
        this.k = k;
        this.alpha = alpha;
        this.byDistance = (a, b) -> a.id == null ? (b.id == null ? 0 : 1) : b.id == null ? -1 : target.distanceCompare(a.id, b.id);
    }

    CompletableFuture<Result> start(List<NodeInfo> seeds, List<InetSocketAddress> anonymousSeeds) {
        synchronized (this) {
            for (NodeInfo n : seeds) {
                add(n.id(), n.addr());
            }
            for (InetSocketAddress a : anonymousSeeds) {
                add(null, a);
            }
        }
        step();
        return done;
    }

    private void add(Id20 id, InetSocketAddress addr) {
        // Other nodes name us too: never ask ourselves.
        if (self.equals(id) || selfAddr.equals(addr)) {
            return;
        }
        if (candidates.size() < MAX_CANDIDATES && known.add(addr)) {
            candidates.add(new Candidate(id, addr));
        }
    }

    private void step() {
        List<Candidate> toAsk = new ArrayList<>();
        Result finished = null;
        synchronized (this) {
            if (done.isDone()) {
                return;
            }
            candidates.sort(byDistance);
            int live = 0;
            for (Candidate c : candidates) {
                if (live >= k || inFlight + toAsk.size() >= alpha) {
                    break;
                }
                if (c.state == State.FAILED) {
                    continue;
                }
                live++;
                if (c.state == State.NEW) {
                    c.state = State.ASKED;
                    toAsk.add(c);
                }
            }
            inFlight += toAsk.size();
            queried += toAsk.size();
            if (inFlight == 0) {
                List<Responder> closest = new ArrayList<>();
                for (Candidate c : candidates) {
                    if (c.state == State.ANSWERED && closest.size() < k) {
                        closest.add(new Responder(new NodeInfo(c.id, c.addr), c.token));
                    }
                }
                finished = new Result(closest, queried);
            }
        }
        if (finished != null) {
            done.complete(finished);
            return;
        }
        for (Candidate c : toAsk) {
            transport.query(c.addr, method, args.apply(target)).whenComplete((r, err) -> answered(c, r, err));
        }
    }

    private void answered(Candidate c, Map<String, Object> r, Throwable err) {
        synchronized (this) {
            inFlight--;
            if (err != null || !(r.get("id") instanceof byte[] id) || id.length != Id20.LENGTH) {
                c.state = State.FAILED;
            } else if (self.equals(Id20.of(id))) {
                c.state = State.FAILED; // a bootstrap address that turned out to be us
            } else {
                c.state = State.ANSWERED;
                c.id = Id20.of(id);
                c.token = r.get("token") instanceof byte[] t ? t : null;
                if (r.get("nodes") instanceof byte[] nodes) {
                    for (NodeInfo n : NodeInfo.parseCompact(nodes)) {
                        add(n.id(), n.addr());
                    }
                }
            }
        }
        if (err == null && c.state == State.ANSWERED) {
            try {
                onReply.accept(r);
            } catch (RuntimeException e) {
                // one malformed answer must not end the lookup: its nodes were merged, its payload is ignored
            }
        }
        step();
    }

    /** The distinct peers of a {@code get_peers} answer's {@code values}. */
    static Set<InetSocketAddress> values(Map<String, Object> r) {
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        if (r.get("values") instanceof List<?> values) {
            for (Object v : values) {
                if (v instanceof byte[] b && b.length == 6) {
                    InetSocketAddress a = NodeInfo.parseCompactPeer(b, 0);
                    if (a != null) {
                        out.add(a);
                    }
                }
            }
        }
        return out;
    }
}
