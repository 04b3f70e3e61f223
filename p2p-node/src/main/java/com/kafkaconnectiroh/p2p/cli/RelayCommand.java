package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.qad.QadServer;
import com.kafkaconnectiroh.p2p.relay.server.RelayServer;
import com.kafkaconnectiroh.p2p.relay.server.RelayServerConfig;
import com.kafkaconnectiroh.p2p.tls.X509Credentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code p2p-node relay}: runs an iroh 1.x compatible relay server ({@link RelayServer}) until SIGINT or SIGTERM.
 * Prints {@code relay url: …} and {@code bound: …} on stdout; on stop, its counters on stderr.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = {"Run an iroh relay server (iroh-relay-v2/v1 over HTTP or HTTPS) until Ctrl-C or SIGTERM.",
                "Prints 'relay url:' and 'bound:' lines on stdout; Prometheus metrics on GET /metrics."})
final class RelayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bind", paramLabel = "IP:PORT", converter = Converters.SocketAddrConverter.class,
            description = "TCP address to listen on (default: 0.0.0.0:3340).")
    InetSocketAddress bind = new InetSocketAddress("0.0.0.0", 3340);

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain: serve HTTPS (with --tls-key). Without it: plain HTTP.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (PKCS#8) of --tls-cert.")
    Path tlsKey;

    @Option(names = "--allow", paramLabel = "ID",
            description = "Only this endpoint id may use the relay (repeatable; others are denied 'not authorized').")
    List<String> allow = new ArrayList<>();

    @Option(names = "--allow-file", paramLabel = "FILE",
            description = "Endpoint ids allowed, one per line ('#' starts a comment); adds to --allow.")
    Path allowFile;

    @Option(names = "--rate-limit", paramLabel = "SIZE", converter = Converters.ByteSizeConverter.class,
            description = "Bytes per second each client may send (e.g. 1MiB); over it the relay stops reading from it"
                    + " a while. Default: 0, unlimited (as iroh's relay).")
    long rateLimit;

    @Option(names = "--rate-burst", paramLabel = "SIZE", converter = Converters.ByteSizeConverter.class,
            description = "Bytes a client may send at once above --rate-limit (default: a tenth of a second's worth,"
                    + " at least 128KiB).")
    long rateBurst;

    @Option(names = "--queue-frames", paramLabel = "N",
            description = "Datagram frames waiting for one client, at most; more are dropped (default: 512, as iroh).")
    int queueFrames = 512;

    @Option(names = "--queue-bytes", paramLabel = "SIZE", converter = Converters.ByteSizeConverter.class,
            description = "Bytes waiting for one client, at most; more are dropped (default: 4MiB).")
    long queueBytes = 4L << 20;

    @Option(names = "--write-timeout", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "A client that takes nothing we write for this long is dropped (default: 2s, as iroh).")
    Duration writeTimeout = Duration.ofSeconds(2);

    @Option(names = "--qad-port", paramLabel = "PORT",
            description = "UDP port of QUIC address discovery (ALPN /iroh-qad/0), served beside the relay when a "
                    + "certificate is given (iroh's clients verify it); 0: off (default: ${DEFAULT-VALUE}).")
    int qadPort = QadServer.DEFAULT_PORT;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "TCP connections at once, at most; more are closed at once (default: 10000).")
    int maxConnections = 10_000;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (StopSignal stop = new StopSignal()) {
            RelayServerConfig config;
            RelayServer relay;
            QadServer qad = null;
            try {
                config = config();
                relay = RelayServer.start(config);
            } catch (CliException e) {
                return e.report(err, "relay");
            } catch (IOException e) {
                return new CliException(e.getMessage(), 1, e).report(err, "relay");
            }
            try {
                if (tlsCert != null && qadPort != 0) {
                    // iroh probes the relay host's QAD port to learn its public address; it needs the same certificate
                    InetSocketAddress qadBind = new InetSocketAddress(relay.localAddress().getAddress(), qadPort);
                    try {
                        qad = QadServer.start(qadBind, X509Credentials.fromPem(tlsCert, tlsKey));
                    } catch (IOException e) {
                        relay.close();
                        return new CliException("QUIC address discovery on " + SocketAddrs.format(qadBind) + ": "
                                + e.getMessage(), 1, e).report(err, "relay");
                    }
                }
                out.println("relay url: " + relay.url());
                out.println("bound: " + SocketAddrs.format(relay.localAddress()));
                if (qad != null) {
                    out.println("qad: " + SocketAddrs.format(qad.localAddress()));
                }
                out.flush();
                err.println("relaying until Ctrl-C or SIGTERM"
                        + (config.allowed() == null ? "" : " for " + config.allowed().size() + " allowed endpoint ids"));
                err.flush();
                String why = stop.await();
                err.println("stopping (" + why + "): " + relay.metrics());
            } finally {
                if (qad != null) {
                    qad.close();
                }
                relay.close();
            }
            err.println("stopped");
            return 0;
        }
    }

    /**
     * The settings from the options.
     *
     * @throws CliException bad combinations and values (exit 2)
     * @throws IOException  an unusable certificate, key or allowlist file (exit 1)
     */
    private RelayServerConfig config() throws CliException, IOException {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new CliException("--tls-cert and --tls-key go together", 2, null);
        }
        positive("--queue-frames", queueFrames);
        positive("--queue-bytes", queueBytes);
        positive("--max-connections", maxConnections);
        if (qadPort < 0 || qadPort > 65535) {
            throw new CliException("--qad-port must be 0 to 65535, got " + qadPort, 2, null);
        }
        RelayServerConfig config;
        try {
            config = new RelayServerConfig().bind(bind).queueFrames(queueFrames).queueBytes(queueBytes)
                    .rateLimit(rateLimit, rateBurst).writeTimeoutNanos(writeTimeout.toNanos())
                    .maxConnections(maxConnections).serverName("p2p-node relay");
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2, e);
        }
        config.allowed(allowedIds());
        if (tlsCert != null) {
            config.tls(tlsCert, tlsKey);
        }
        return config;
    }

    /** {@code --allow} and the lines of {@code --allow-file}; a malformed id is a usage error, an unreadable file exit 1. */
    private List<EndpointId> allowedIds() throws CliException, IOException {
        List<EndpointId> ids = new ArrayList<>();
        for (String a : allow) {
            ids.add(parseId(a, "--allow", 2));
        }
        if (allowFile != null) {
            if (!Files.isRegularFile(allowFile)) {
                throw new IOException("--allow-file " + allowFile + ": " + (Files.exists(allowFile) ? "not a regular file" : "no such file"));
            }
            List<String> lines = Files.readAllLines(allowFile, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                int hash = l.indexOf('#');
                l = (hash >= 0 ? l.substring(0, hash) : l).strip();
                if (!l.isEmpty()) {
                    ids.add(parseId(l, "--allow-file " + allowFile + " line " + (i + 1), 1));
                }
            }
            if (ids.isEmpty()) {
                // an empty allowlist would let everyone in: surely not what a file of ids meant
                throw new IOException("--allow-file " + allowFile + ": no endpoint ids in it");
            }
        }
        return ids;
    }

    /** {@code text} as an endpoint id; else a failure naming {@code where}: bad usage on the command line, 1 in a file. */
    private static EndpointId parseId(String text, String where, int exitCode) throws CliException {
        try {
            return EndpointId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException(where + ": " + e.getMessage(), exitCode, e);
        }
    }

    private static void positive(String option, long value) throws CliException {
        if (value <= 0) {
            throw new CliException(option + " must be more than 0, got " + value, 2, null);
        }
    }
}
