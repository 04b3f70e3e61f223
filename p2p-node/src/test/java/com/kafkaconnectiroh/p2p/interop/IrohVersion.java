package com.kafkaconnectiroh.p2p.interop;

/** The real iroh releases the harness can run, each from its own npm package alias. */
public enum IrohVersion {
    /** iroh 1.0.2 (npm {@code @number0/iroh@1.1.0}, QUIC by noq-proto 1.0.1): endpoints, connections, streams. */
    V1("1", "1.0.2"),
    /** iroh 0.35.0 (npm {@code @number0/iroh@0.35.0}, iroh-quinn-proto 0.13): a node with blobs, gossip, docs. */
    V035("0.35", "0.35.0");

    private final String harnessArg;
    private final String release;

    IrohVersion(String harnessArg, String release) {
        this.harnessArg = harnessArg;
        this.release = release;
    }

    /** The value of the harness's {@code --iroh} argument. */
    public String harnessArg() {
        return harnessArg;
    }

    /** The iroh crate release the harness reports in its {@code ready} event. */
    public String release() {
        return release;
    }
}
