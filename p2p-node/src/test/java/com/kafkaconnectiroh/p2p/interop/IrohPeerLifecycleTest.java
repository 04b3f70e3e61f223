package com.kafkaconnectiroh.p2p.interop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client side of the harness never hangs: start-up failures, dead processes and timeouts all end in errors. */
@Tag("iroh-interop")
@Timeout(60)
class IrohPeerLifecycleTest {

    @Test
    void startupFailureIsReportedWithTheHarnessError() {
        IrohHarnessException e = assertThrows(IrohHarnessException.class,
                () -> IrohPeer.start(IrohVersion.V1, PeerOption.name("lifecycle-badbind"), PeerOption.bind("not-an-address")));
        assertTrue(e.getMessage().contains("lifecycle-badbind"), e.getMessage());
    }

    @Test
    void missingReadyEventTimesOut() {
        long t0 = System.nanoTime();
        IrohHarnessException e = assertThrows(IrohHarnessException.class,
                () -> IrohPeer.start(IrohVersion.V035, PeerOption.name("lifecycle-impatient"), PeerOption.readyTimeout(Duration.ofMillis(200))));
        assertTrue(e.getMessage().contains("no ready event"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(15).toNanos(), "start gave up late");
    }

    @Test
    void callsAndEventWaitsFailFastOnceTheProcessIsGone() {
        IrohPeer peer = IrohPeer.start(IrohVersion.V1, PeerOption.name("lifecycle-dies"));
        try {
            peer.call("shutdown");
            long t0 = System.nanoTime();
            IrohHarnessException waited = assertThrows(IrohHarnessException.class,
                    () -> peer.awaitEvent(e -> false, Duration.ofSeconds(30)));
            assertTrue(waited.getMessage().contains("exited with code 0"), waited.getMessage());
            IrohHarnessException called = assertThrows(IrohHarnessException.class, () -> peer.call("info"));
            assertTrue(called.getMessage().contains("exited"), called.getMessage());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "waits did not notice the dead process");
            assertFalse(peer.isAlive());
        } finally {
            peer.close();
        }
    }

    @Test
    void commandTimeoutIsAnError() {
        try (IrohPeer peer = IrohPeer.start(IrohVersion.V1, PeerOption.name("lifecycle-timeout"))) {
            // A ping to an address nobody answers, with a harness timeout far beyond the Java one.
            String ghost = SecretKey.generate().publicKey().toString();
            IrohHarnessException e = assertThrows(IrohHarnessException.class, () -> peer.call("ping",
                    IrohPeer.params("addr", IrohPeer.params("id", ghost, "addrs", List.of("127.0.0.1:9")), "timeoutMs", 60_000),
                    Duration.ofMillis(300)));
            assertTrue(e.getMessage().contains("no response within"), e.getMessage());
            assertTrue(peer.call("info").path("ok").asBoolean(), "the harness stays usable after a timed-out call");
        }
    }
}
