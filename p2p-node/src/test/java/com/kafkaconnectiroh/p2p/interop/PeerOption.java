package com.kafkaconnectiroh.p2p.interop;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.time.Duration;
import java.util.Objects;

/** Start-up options for {@link IrohPeer#start(IrohVersion, PeerOption...)}. */
public sealed interface PeerOption {

    /** Accept connections on {@code alpn} and treat them as {@code behaviour}. */
    static PeerOption alpn(String alpn, Behaviour behaviour) {
        return new Alpn(alpn, behaviour);
    }

    /** Run with this identity instead of a random one. */
    static PeerOption secret(SecretKey key) {
        return new Secret(Hex.encode(key.toBytes()));
    }

    /** The UDP address to bind, {@code 127.0.0.1:0} by default. */
    static PeerOption bind(String hostPort) {
        return new Bind(hostPort);
    }

    /**
     * Use the relay at {@code url} (e.g. {@code http://127.0.0.1:PORT}) as the only relay (iroh 1.x only): no
     * QUIC address discovery against it. {@link IrohPeer#online} waits until it is the home relay.
     */
    static PeerOption relay(String url) {
        return new Relay(url);
    }

    /**
     * iroh's n0 discovery, unmodified (1.x: {@code presetN0DisableRelay}; 0.35: {@code nodeDiscovery: 'Default'}, relays
     * on as that binding cannot turn them off): it publishes to n0's pkarr relay and
     * resolves bare ids as {@code TXT _iroh.<z32>.dns.iroh.link} through the system resolver; run it in a namespace
     * whose {@code /etc/netns/<ns>/resolv.conf} names a local DNS server (the harness's {@code --discovery-n0}).
     */
    static PeerOption discoveryN0() {
        return new DiscoveryN0();
    }

    /** Names the peer in errors and its log file ({@code target/iroh-harness-logs/<name>.log}). */
    static PeerOption name(String name) {
        return new Name(name);
    }

    /** Enable iroh-docs (0.35 only): the harness's {@code doc-*} and {@code author-*} commands. */
    static PeerOption docs() {
        return new Docs();
    }

    /** Keep blobs in iroh's file store in {@code dir} instead of memory (0.35 only; the harness's {@code --store}). */
    static PeerOption store(java.nio.file.Path dir) {
        return new Store(dir.toString());
    }

    /**
     * Answer every incoming Initial from a not yet validated address with a QUIC Retry (1.x only; the harness's
     * {@code --retry}, event {@code retry-sent}).
     */
    static PeerOption retry() {
        return new Retry();
    }

    /** How long to wait for the {@code ready} event (default 60 s; an iroh 0.35 node needs about 3 s). */
    static PeerOption readyTimeout(Duration timeout) {
        return new ReadyTimeout(timeout);
    }

    /** Default timeout of {@link IrohPeer#call} (default 60 s). */
    static PeerOption callTimeout(Duration timeout) {
        return new CallTimeout(timeout);
    }

    /**
     * Run the harness inside this network namespace ({@code ip netns exec NAME node harness.js ...}, e.g. a home of
     * {@code netlab.NatLab}); bind {@code 0.0.0.0:0} there, the default loopback address reaches nobody.
     */
    static PeerOption netns(String name) {
        return new Netns(name);
    }

    record Alpn(String alpn, Behaviour behaviour) implements PeerOption {
        public Alpn {
            Objects.requireNonNull(alpn, "alpn");
            Objects.requireNonNull(behaviour, "behaviour");
            if (alpn.isEmpty()) {
                throw new IllegalArgumentException("ALPN must not be empty");
            }
        }
    }

    record Secret(String hex) implements PeerOption {
    }

    record Bind(String hostPort) implements PeerOption {
    }

    record Relay(String url) implements PeerOption {
        public Relay {
            Objects.requireNonNull(url, "url");
        }
    }

    record Name(String name) implements PeerOption {
        public Name {
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("peer name must be usable as a file name: '" + name + "'");
            }
        }
    }

    record Netns(String name) implements PeerOption {
        public Netns {
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("not a network namespace name: '" + name + "'");
            }
        }
    }

    record Store(String dir) implements PeerOption {
    }

    record Docs() implements PeerOption {
    }

    record DiscoveryN0() implements PeerOption {
    }

    record Retry() implements PeerOption {
    }

    record ReadyTimeout(Duration timeout) implements PeerOption {
    }

    record CallTimeout(Duration timeout) implements PeerOption {
    }
}
