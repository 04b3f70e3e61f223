package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.blobs.DownloadProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress line {@code p2p-node blob get} draws. */
class BlobProgressBarTest {
    @Test
    void aResumedDownloadsRateCountsOnlyWhatArrivesNow() {
        StringWriter out = new StringWriter();
        BlobCommand.ProgressBar bar = new BlobCommand.ProgressBar(new PrintWriter(out, true));
        var provider = SecretKey.generate().publicKey();
        long total = 100_000_000L;
        long kept = 60_000_000L; // verified by an earlier run, in the store before this one starts
        bar.onProgress(new DownloadProgress(DownloadProgress.Phase.CONNECTING, provider, null, -1, kept, total, null));
        String text = out.toString();
        // Nothing has arrived in this run yet, so no rate (it showed thousands of MB/s).
        assertTrue(text.contains("60% 57.2 MiB / 95.4 MiB  0.0 MB/s  connecting"), text);
    }
}
