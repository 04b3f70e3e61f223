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
 * costs a few milliseconds instead of the whole connect timeout. Bounded: at most {@link #MAX_SILENT} attempts
 * wait for a first answer at once; with more candidates waiting, the oldest silent attempt makes room once it has
 * been silent for {@link #SILENT_GIVE_UP_NANOS} (its Initial and one retransmission went unanswered). While an
 * attempt has heard from the peer (its handshake is under way), no new ones start unless it fails.
 *
 * <p>The first handshake to complete wins. The others end cleanly: those that heard from the peer are closed
 * ("superseded by another path"); silent ones are forgotten without a word (nobody there to tell), so no
 * connection state outlives the dial. The dial fails with the most telling error (a peer's refusal or a wrong
 * endpoint id over a timeout) once every attempt failed, or with {@code CONNECT_TIMEOUT} when the time is up.
 * Loop-confined.
 */
final class Dial {
    /**
     * Between starting attempts. RFC 8305 recommends 250 ms between address families on the internet; these are
     * direct UDP paths where an attempt costs one Initial, and a ticket may list many dead addresses.
     */
    static final long ATTEMPT_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    /** Attempts of one dial waiting for a first answer at once. */
    static final int MAX_SILENT = 16;
    /** How long a silent attempt is kept while other candidates wait (a bit over the first PTO, about 1 s). */
    static final long SILENT_GIVE_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);
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
    private final EndpointAddr addr;
    /** Offered in this order of preference; the server picks one (ours: the first it serves). */
    private final List<byte[]> alpns;
    private final List<InetSocketAddress> candidates;
    private final CompletableFuture<Connection> result;
    private final List<Attempt> attempts = new ArrayList<>();
    private int next;
    private long nextLaunchAt;
    private ConnectionLostException bestFailure;
    private ScheduledFuture<?> deadline;
    private ScheduledFuture<?> stepTimer;
    private boolean done;
    private long timeoutNanos;

    Dial(Driver driver, EndpointAddr addr, List<String> alpns, List<InetSocketAddress> candidates,
         CompletableFuture<Connection> result) {
        this.driver = driver;
        this.addr = addr;
        List<byte[]> offered = new ArrayList<>(alpns.size());
        for (String a : alpns) {
            offered.add(a.getBytes(StandardCharsets.UTF_8));
        }
        this.alpns = offered;
        this.candidates = candidates;
        this.result = result;
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
        if (underWay()) {
            return; // a handshake is progressing; the next address is tried only if it fails
        }
        long now = driver.now();
        if (now < nextLaunchAt) {
            stepIn(nextLaunchAt - now);
            return;
        }
        List<Attempt> silent = silent();
        if (silent.size() >= MAX_SILENT) {
            Attempt oldest = silent.get(0);
            long quiet = now - oldest.startedAt;
            if (quiet < SILENT_GIVE_UP_NANOS) {
                stepIn(SILENT_GIVE_UP_NANOS - quiet);
                return;
            }
            abandon(oldest, "no answer at " + oldest.remote + " within " + quiet / 1_000_000 + " ms while "
                    + (candidates.size() - next) + " more addresses waited");
            silent.remove(0);
        }
        launch(candidates.get(next++), now);
        driver.onDialInFlight(silent.size() + 1);
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

    private boolean underWay() {
        for (Attempt a : attempts) {
            if (!a.ended && a.heard()) {
                return true;
            }
        }
        return false;
    }

    /** Attempts still waiting for a first answer, oldest first. */
    private List<Attempt> silent() {
        List<Attempt> out = new ArrayList<>();
        for (Attempt a : attempts) {
            if (!a.ended && !a.heard()) {
                out.add(a);
            }
        }
        return out;
    }

    private void launch(InetSocketAddress remote, long now) {
        CompletableFuture<Connection> established = new CompletableFuture<>();
        Connection c = driver.startAttempt(addr.id(), alpns, remote, established);
        Attempt a = new Attempt(c, remote, now);
        attempts.add(a);
        established.whenComplete((conn, err) -> onAttemptDone(a, err));
    }

    private void abandon(Attempt a, String why) {
        a.abandoned = true;
        a.conn.abandonAttempt(why);
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
                        abandon(other, "superseded by another path");
                    }
                }
            }
            result.complete(a.conn);
            return;
        }
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
        List<InetSocketAddress> tried = new ArrayList<>();
        for (int i = 0; i < Math.min(next, ADDRESSES_NAMED); i++) {
            tried.add(candidates.get(i));
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
        driver.dialEnded(this);
    }
}
