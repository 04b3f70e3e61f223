package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.MemBlobStore;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.ProtocolHandler;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Java blobs node for tests: endpoint on loopback, store, provider (recording requests), router. */
final class BlobPeer implements AutoCloseable {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    final Endpoint endpoint;
    final BlobStore store;
    final Blobs blobs;
    final Router router;
    final List<GetRequest> requests = new CopyOnWriteArrayList<>();
    final List<String> rejections = new CopyOnWriteArrayList<>();

    private BlobPeer(BlobStore store, BlobsProvider.Options options, ProtocolHandler handler) throws IOException {
        this.endpoint = Endpoint.builder().bindAddr(LOOPBACK).connectTimeout(java.time.Duration.ofSeconds(3)).bind();
        this.store = store;
        BlobsProvider provider = new BlobsProvider(store, new ProviderListener() {
            @Override
            public void requestReceived(com.kafkaconnectiroh.p2p.base.EndpointId peer, GetRequest request) {
                requests.add(request);
            }

            @Override
            public void requestRejected(com.kafkaconnectiroh.p2p.base.EndpointId peer, long code, String reason) {
                rejections.add(code + " " + reason);
            }
        }, options);
        this.blobs = new Blobs(endpoint, store, provider);
        this.router = Router.builder(endpoint).accept(BlobsProtocol.ALPN, handler != null ? handler : provider).spawn();
    }

    static BlobPeer start() throws IOException {
        return new BlobPeer(new MemBlobStore(), BlobsProvider.Options.defaults(), null);
    }

    static BlobPeer start(BlobStore store, BlobsProvider.Options options) throws IOException {
        return new BlobPeer(store, options, null);
    }

    /** A peer whose ALPN is served by {@code handler} instead of the provider. */
    static BlobPeer withHandler(ProtocolHandler handler) throws IOException {
        return new BlobPeer(new MemBlobStore(), BlobsProvider.Options.defaults(), handler);
    }

    EndpointAddr addr() {
        return endpoint.addr();
    }

    @Override
    public void close() throws IOException {
        router.close();
        store.close();
    }
}
