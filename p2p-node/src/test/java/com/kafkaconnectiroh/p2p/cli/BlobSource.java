package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.BlobsProvider;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.ProviderListener;
import com.kafkaconnectiroh.p2p.blobs.store.MemBlobStore;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** A blob provider on loopback for the blob CLI tests (memory store, optional rate cap), and helpers around it. */
final class BlobSource implements AutoCloseable {
    final Endpoint endpoint;
    final MemBlobStore store = new MemBlobStore();
    final Blobs blobs;
    final Router router;

    private BlobSource(long bytesPerSecond) throws IOException {
        endpoint = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).bind();
        blobs = new Blobs(endpoint, store, new BlobsProvider(store, ProviderListener.NONE,
                BlobsProvider.Options.defaults().withMaxBytesPerSecond(bytesPerSecond)));
        router = Router.builder(endpoint).accept(Blobs.ALPN, blobs.provider()).spawn();
    }

    static BlobSource start() throws IOException {
        return new BlobSource(0);
    }

    /** A provider sending at most {@code bytesPerSecond} per response, so a test can act mid-transfer. */
    static BlobSource slow(long bytesPerSecond) throws IOException {
        return new BlobSource(bytesPerSecond);
    }

    /** Adds {@code data} and returns its ticket. */
    String ticket(byte[] data) throws IOException {
        return blobs.ticket(blobs.add(data).content()).toString();
    }

    static byte[] data(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A raw-blob ticket naming a provider that does not exist (a download would time out). */
    static String deadTicket() {
        EndpointAddr nobody = EndpointAddr.of(SecretKey.generate().publicKey(), null,
                List.of(SocketAddrs.parse("127.0.0.1:9")));
        return new BlobTicket(nobody, HashAndFormat.raw(Hash.of(new byte[] {7}))).toString();
    }

    /** Runs the CLI in its own small JVM ({@code -Xmx64m}), in {@code dir}, for at most {@code seconds}. */
    static StderrRun child(Path dir, int seconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile(dir, ".child", ".err");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        try (InputStream ignored = p.getInputStream()) {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("p2p-node " + String.join(" ", args) + " still ran after " + seconds
                        + " s; stderr:\n" + Files.readString(err));
            }
            return new StderrRun(p.exitValue(), Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** {@code mkfifo path}. */
    static Path mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new AssertionError("mkfifo " + path + " failed");
        }
        return path;
    }

    @Override
    public void close() throws IOException {
        router.close();
        store.close();
    }
}
