package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.blobs.store.FsBlobStore;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child JVM for {@link BlobCrashTest}: downloads a ticket into a file store, printing {@code progress <verified>
 * <total>} lines and {@code done} at the end. Checkpoints often, so a kill loses little.
 */
public final class DownloadChildMain {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        BlobTicket ticket = BlobTicket.parse(args[1]);
        try (FsBlobStore store = FsBlobStore.open(dir, new FsBlobStore.Options(8 << 20, Duration.ofMillis(200)));
                Endpoint ep = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).bind()) {
            System.out.println("started");
            new Downloader(ep, store).download(ticket, p -> {
                if (p.phase() == DownloadProgress.Phase.RECEIVING) {
                    System.out.println("progress " + p.verifiedBytes() + " " + p.totalBytes());
                    System.out.flush();
                }
            });
            System.out.println("done");
            System.out.flush();
        }
        System.exit(0);
    }
}
