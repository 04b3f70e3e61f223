package com.kafkaconnectiroh.p2p.blobs;

/** Receives a download's {@link DownloadProgress}, on the downloading thread; keep it quick. */
@FunctionalInterface
public interface DownloadListener {
    void onProgress(DownloadProgress progress);

    DownloadListener NONE = p -> {};
}
