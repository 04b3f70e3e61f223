package com.kafkaconnectiroh.p2p.netlab;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.PathInfo;
import com.kafkaconnectiroh.p2p.endpoint.PathType;
import com.kafkaconnectiroh.p2p.endpoint.QadTarget;
import com.kafkaconnectiroh.p2p.endpoint.RecvStream;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.endpoint.SendStream;
import com.kafkaconnectiroh.p2p.tls.TestCertificates;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * A multipath endpoint in a lab home, for the direct-path upgrade across NATs ({@code DirectPathUpgradeIT}): it
 * learns its public address from a QAD server ({@code localhost@IP:PORT}, served with the test CA's certificate)
 * and uses the relay as its home relay.
 *
 * <pre>
 *   serve RELAY_URL QAD          -> "id: HEX" once online; echoes every bi stream (chunk by chunk) until stdin ends
 *   dial RELAY_URL QAD ID        -> dials ID by id and relay URL only ("connected via relay URL"), prints
 *                                   "path: TYPE WHERE at N ms PATHS" at the start and at every change of the
 *                                   connection's path type (WHERE: the active path, N: since connected), "closed:
 *                                   WHY" if the connection ends; then takes stdin commands:
 *     echo BYTES SEED            -> "echo ok BYTES TYPE" / "echo FAILED ..." (random data, echoed byte-exact?)
 *     stream BYTES SEED          -> writes the first half, prints "half sent", waits for a "continue" line, writes
 *                                   the rest ("continuing at N ms"); "stream ok BYTES TYPE" / "stream FAILED ..."
 *                                   once the echo is checked
 *     paths                      -> "paths: direct-sent=B direct-received=B relay-sent=B relay-received=B PATHS"
 *                                   (bytes summed over the paths of each type, then every path)
 * </pre>
 */
public final class UpgradeNodeMain {
    static final String ECHO = "test/natlab-echo";
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** When the connection was up: the origin of the times "path:" and "continuing" lines report. */
    private static long connectedAt;

    private UpgradeNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        RelayUrl relay = RelayUrl.parse(args[1]);
        try (Endpoint ep = Endpoint.builder().bindAddr(new InetSocketAddress("0.0.0.0", 0)).relayUrls(relay)
                .multipath(true).alpns(ECHO).bind()) {
            ep.discoverAddresses(List.of(qadTarget(args[2])), TestCertificates.testCa(), WAIT);
            OUT.println("public: " + ep.publicAddresses());
            if (!ep.online(WAIT)) {
                OUT.println("offline");
                System.exit(1);
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (args[0].equals("serve")) {
                try (Router r = Router.builder(ep).accept(ECHO, UpgradeNodeMain::echoAll).spawn()) {
                    OUT.println("id: " + ep.id());
                    while (in.readLine() != null) {
                        // serve until EOF
                    }
                }
                System.exit(0);
            }
            Connection c = ep.connect(EndpointAddr.of(EndpointId.parse(args[3]), relay, List.of()), ECHO, WAIT);
            connectedAt = System.nanoTime();
            OUT.println("connected via " + c.paths().get(0).where()); // path 0: the one the handshake took
            watchPaths(c);
            for (String line; (line = in.readLine()) != null; ) {
                String[] w = line.strip().split(" ");
                switch (w[0]) {
                    case "echo" -> OUT.println(echo(c, data(w), false, in));
                    case "stream" -> OUT.println(echo(c, data(w), true, in));
                    case "paths" -> OUT.println(paths(c.paths()));
                    default -> System.err.println("upgrade-node: unknown command '" + line + "'");
                }
            }
            c.close(0, "done");
            System.exit(0);
        }
    }

    /** {@code localhost@IP:PORT}: the server name to check and where the QAD server listens. */
    private static QadTarget qadTarget(String arg) {
        int at = arg.indexOf('@');
        int colon = arg.lastIndexOf(':');
        return new QadTarget(arg.substring(0, at),
                new InetSocketAddress(arg.substring(at + 1, colon), Integer.parseInt(arg.substring(colon + 1))));
    }

    /** Random bytes from {@code echo|stream BYTES SEED}. */
    private static byte[] data(String[] w) {
        byte[] data = new byte[Integer.parseInt(w[1])];
        new Random(Long.parseLong(w[2])).nextBytes(data);
        return data;
    }

    /** Serves the connection: every bi stream's bytes go back as they arrive (not after the end: streams are big). */
    private static void echoAll(Connection c) throws IOException {
        BiStream s;
        while ((s = c.acceptBi(Duration.ZERO)) != null) {
            BiStream stream = s;
            Thread t = new Thread(() -> {
                byte[] buf = new byte[64 << 10];
                try {
                    for (int n; (n = stream.recv().read(buf, 0, buf.length)) >= 0; ) {
                        stream.send().writeAll(buf, 0, n);
                    }
                    stream.send().finish();
                } catch (IOException e) {
                    System.err.println("upgrade-node: echo stream: " + e);
                }
            }, "echo-stream");
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Sends {@code data} on a new bi stream while reading the echo, and checks it. With {@code pause} it stops after
     * the first half ("half sent") until stdin says "continue", so a test can change the network mid-stream.
     */
    private static String echo(Connection c, byte[] data, boolean pause, BufferedReader in) {
        String what = pause ? "stream" : "echo";
        try {
            BiStream s = c.openBi();
            RecvStream recv = s.recv();
            CompletableFuture<byte[]> back = CompletableFuture.supplyAsync(() -> {
                try {
                    return recv.readToEnd(data.length + 1, WAIT);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            SendStream send = s.send();
            int half = pause ? data.length / 2 : data.length;
            send.writeAll(data, 0, half);
            if (pause) {
                OUT.println("half sent");
                String go = in.readLine();
                if (!"continue".equals(go)) {
                    return what + " FAILED: expected 'continue', got " + go;
                }
                OUT.println("continuing at " + sinceConnected());
                send.writeAll(data, half, data.length - half);
            }
            send.finish();
            byte[] got = back.join();
            return Arrays.equals(data, got) ? what + " ok " + data.length + " " + c.pathType()
                    : what + " FAILED: " + got.length + " bytes back, not the " + data.length + " sent";
        } catch (IOException | RuntimeException e) {
            return what + " FAILED: " + e;
        }
    }

    private static String sinceConnected() {
        return (System.nanoTime() - connectedAt) / 1_000_000 + " ms";
    }

    /** The {@code paths} answer: bytes per path type, then the paths. */
    private static String paths(List<PathInfo> paths) {
        long[] sum = new long[4];
        for (PathInfo p : paths) {
            int i = p.type() == PathType.DIRECT ? 0 : 2;
            sum[i] += p.bytesSent();
            sum[i + 1] += p.bytesReceived();
        }
        return "paths: direct-sent=" + sum[0] + " direct-received=" + sum[1] + " relay-sent=" + sum[2]
                + " relay-received=" + sum[3] + " " + paths;
    }

    /** Prints the path type at the start and at every change, and why the connection closed if it does. */
    private static void watchPaths(Connection c) {
        Thread t = new Thread(() -> {
            PathType last = null;
            while (true) {
                if (c.closeInfo() != null) {
                    OUT.println("closed: " + c.closeInfo());
                    return;
                }
                PathType now = c.pathType();
                if (now != last) {
                    List<PathInfo> paths = c.paths();
                    OUT.println("path: " + now + " " + c.path().where() + " at " + sinceConnected() + " " + paths);
                    last = now;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "path-watch");
        t.setDaemon(true);
        t.start();
    }
}
