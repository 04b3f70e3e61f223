package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One {@code connect}: handshakes to the peer's candidate addresses raced in the spirit of Happy Eyeballs
 * (RFC 8305 §5): a new attempt every {@link #ATTEMPT_DELAY_NANOS}, or at once when one fails, so a dead address
 * costs a few milliseconds instead of the whole connect timeout. Bounded: at most {@link #MAX_IN_FLIGHT} attempts
 * at once; with more candidates waiting, the oldest gives way once it is {@link #GIVE_WAY_NANOS} old (its Initial
 * and one retransmission went unanswered, or its handshake went nowhere). When an attempt hears from the peer
 * (its handshake is under way), the others wait for it, up to {@link #GIVE_WAY_NANOS} after it started and once
 * per dial, so addresses that answer and then stall cannot hold the rest back.
 *
 * <p>The first handshake to complete wins. The others end cleanly: those that heard from the peer are closed,
 * silent ones are forgotten without a word (nobody there to tell), so no connection state outlives the dial. The
 * dial fails with the most telling error (a peer's refusal or a wrong endpoint id over a timeout) once every
 * attempt failed, or with {@code CONNECT_TIMEOUT} when the time is up.
 * Loop-confined.
 */
final class Dial {
    /**
     * Between starting attempts. RFC 8305 recommends 250 ms between address families on the internet; these are
     * direct UDP paths where an attempt costs one Initial, and a ticket may list many dead addresses.
     */
    static final long ATTEMPT_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    /** Attempts of one dial in flight at once: about 32 new addresses a second when all are dead (2 MB at most). */
    static final int MAX_IN_FLIGHT = 48;
    /**
     * How long an attempt is kept before it gives way to the next address when {@link #MAX_IN_FLIGHT} are in
     * flight (a bit over the first PTO, about 1 s: its Initial and one retransmission went unanswered), and how
     * long the first attempt that heard from the peer holds the others back.
     */
    static final long GIVE_WAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);
    /** Addresses named in a timeout message, at most. */
    private static final int ADDRESSES_NAMED = 8;

    /** One handshake of this dial. */
    private static final class Attempt {
        final Connection conn;
        final InetSocketAddress remote;
        final long startedAt;
        boolean ended;
        boolean abandoned;

        Attempt(Connection conn, InetSocketAddress remote, long startedAt) {
            this.conn = conn;
            this.remote = remote;
            this.startedAt = startedAt;
        }

        boolean heard() {
            return conn.quic.stats().packetsReceived() > 0;
        }
    }

    private final Driver driver;
    private final Dialer dialer;
    private final EndpointAddr addr;
    /** Offered in this order of preference; the server picks one (ours: the first it serves). */
    private final List<byte[]> alpns;
    private final List<InetSocketAddress> candidates;
    private final CompletableFuture<Connection> result;
    private final List<Attempt> attempts = new ArrayList<>();
    private int next;
    private long nextLaunchAt;
    private long patienceUntil;
    private ConnectionLostException bestFailure;
    private ScheduledFuture<?> deadline;
    private ScheduledFuture<?> stepTimer;
    private boolean done;
    private long timeoutNanos;

    Dial(Driver driver, Dialer dialer, EndpointAddr addr, List<String> alpns, List<InetSocketAddress> candidates,
         CompletableFuture<Connection> result) {
        this.driver = driver;
        this.dialer = dialer;
        this.addr = addr;
        List<byte[]> offered = new ArrayList<>(alpns.size());
        for (String a : alpns) {
            offered.add(a.getBytes(StandardCharsets.UTF_8));
        }
        this.alpns = offered;
        this.candidates = new ArrayList<>(candidates);
        this.result = result;
    }

    boolean completes(CompletableFuture<Connection> f) {
        return result == f;
    }

    /**
     * Addresses learned while the dial runs (an address lookup answered, see {@code Endpoint.connectAsync}): raced
     * like the others, the new ones at once, so a dial stuck on an address the peer left is rescued before its
     * timeout. False if the dial has ended (the addresses were not tried).
     */
    boolean addCandidates(List<InetSocketAddress> more) {
        if (done) {
            return false;
        }
        boolean added = false;
        for (InetSocketAddress a : more) {
            if (!candidates.contains(a)) {
                candidates.add(a);
                added = true;
            }
        }
        if (added) {
            nextLaunchAt = 0;
            step();
        }
        return true;
    }

    void start(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
        deadline = driver.schedule(this::giveUp, timeoutNanos);
        step();
    }

    /** Starts what may start now, and arranges the next step. */
    private void step() {
        if (done || next >= candidates.size()) {
            return;
        }
        if (driver.isClosing()) {
            abort(driver.closedException());
            return;
        }
        long now = driver.now();
        long patience = patienceUntil();
        if (now < patience) {
            stepIn(patience - now); // a handshake is progressing; others start only if it fails or stalls
            return;
        }
        if (now < nextLaunchAt) {
            stepIn(nextLaunchAt - now);
            return;
        }
        List<Attempt> inFlight = inFlight();
        if (inFlight.size() >= MAX_IN_FLIGHT) {
            Attempt oldest = inFlight.get(0);
            long age = now - oldest.startedAt;
            if (age < GIVE_WAY_NANOS) {
                stepIn(GIVE_WAY_NANOS - age);
                return;
            }
            String why = (oldest.heard() ? "no handshake" : "no answer") + " at " + driver.describe(oldest.remote) + " within "
                    + age / 1_000_000 + " ms while " + (candidates.size() - next) + " more addresses waited";
            giveWay(oldest, why);
            inFlight.remove(0);
        }
        launch(candidates.get(next++), now);
        dialer.onInFlight(inFlight.size() + 1);
        nextLaunchAt = now + ATTEMPT_DELAY_NANOS;
        if (next < candidates.size()) {
            stepIn(ATTEMPT_DELAY_NANOS);
        }
    }

    private void stepIn(long nanos) {
        if (stepTimer == null) {
            stepTimer = driver.schedule(() -> {
                stepTimer = null;
                step();
            }, nanos);
        }
    }

    /**
     * Until when the others wait for an attempt that heard from the peer: {@link #GIVE_WAY_NANOS} after the start
     * of the first such attempt, once per dial (so a row of addresses that answer and then stall cannot hold the
     * rest back longer); 0 if none has heard.
     */
    private long patienceUntil() {
        if (patienceUntil == 0) {
            for (Attempt a : attempts) {
                if (!a.ended && a.heard()) {
                    patienceUntil = a.startedAt + GIVE_WAY_NANOS;
                    break;
                }
            }
        }
        if (patienceUntil == 0) {
            return 0;
        }
        for (Attempt a : attempts) {
            if (!a.ended && a.heard()) {
                return patienceUntil;
            }
        }
        return 0; // those that heard failed: carry on at once
    }

    /** Attempts not finished yet, oldest first. */
    private List<Attempt> inFlight() {
        List<Attempt> out = new ArrayList<>();
        for (Attempt a : attempts) {
            if (!a.ended) {
                out.add(a);
            }
        }
        return out;
    }

    private void launch(InetSocketAddress remote, long now) {
        CompletableFuture<Connection> established = new CompletableFuture<>();
        Connection c = driver.startAttempt(addr, alpns, remote, established);
        Attempt a = new Attempt(c, remote, now);
        attempts.add(a);
        established.whenComplete((conn, err) -> onAttemptDone(a, err));
    }

    /**
     * Ends an attempt to make room: one that never heard from the peer is forgotten without a word, one whose
     * handshake went nowhere is closed.
     */
    private void giveWay(Attempt a, String why) {
        a.abandoned = true;
        if (a.heard()) {
            a.conn.abortConnect(why);
        } else {
            a.conn.abandonAttempt(why);
        }
    }

    private void onAttemptDone(Attempt a, Throwable err) {
        a.ended = true;
        driver.attemptEnded(a.conn);
        if (done) {
            if (err == null) {
                a.conn.closeOnLoop(0, "superseded by another path");
            }
            return;
        }
        if (err == null) {
            finish();
            for (Attempt other : attempts) {
                if (other != a && !other.ended) {
                    if (other.heard()) {
                        other.conn.closeOnLoop(0, "superseded by another path");
                    } else {
                        other.abandoned = true;
                        other.conn.abandonAttempt("superseded by another path");
                    }
                }
            }
            result.complete(a.conn);
            return;
        }
        attempts.remove(a); // a long ticket must not keep every ended attempt's state until the dial ends
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (!a.abandoned && cause instanceof ConnectionLostException lost && (bestFailure == null
                || bestFailure.close().kind() == ConnectionClose.Kind.CONNECT_TIMEOUT)) {
            bestFailure = lost;
        }
        boolean anyLeft = false;
        for (Attempt x : attempts) {
            anyLeft |= !x.ended;
        }
        if (!anyLeft && next >= candidates.size()) {
            finish();
            result.completeExceptionally(bestFailure != null ? bestFailure : Waits.rethrow(cause));
        } else if (!a.abandoned) {
            nextLaunchAt = 0; // a failure frees its place at once
            step();
        }
    }

    private void giveUp() {
        if (done) {
            return;
        }
        finish();
        List<String> tried = new ArrayList<>();
        for (int i = 0; i < Math.min(next, ADDRESSES_NAMED); i++) {
            tried.add(driver.describe(candidates.get(i)));
        }
        String msg = "no handshake with " + addr.id().fmtShort() + " at " + tried
                + (next > ADDRESSES_NAMED ? " and " + (next - ADDRESSES_NAMED) + " more addresses" : "")
                + " within " + timeoutNanos / 1_000_000 + " ms";
        for (Attempt a : attempts) {
            if (!a.ended) {
                a.conn.abortConnect(msg);
            }
        }
        ConnectionClose why = new ConnectionClose(ConnectionClose.Kind.CONNECT_TIMEOUT, false, 0, msg);
        result.completeExceptionally(bestFailure != null && bestFailure.close().kind() != ConnectionClose.Kind.CONNECT_TIMEOUT
                ? bestFailure : new ConnectionLostException("could not connect to " + addr.id() + ": " + why, why));
    }

    /** The endpoint closed or failed under this dial. */
    void abort(EndpointClosedException why) {
        if (done) {
            return;
        }
        finish();
        result.completeExceptionally(why);
    }

    private void finish() {
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (stepTimer != null) {
            stepTimer.cancel(false);
            stepTimer = null;
        }
        dialer.ended(this);
    }
}
