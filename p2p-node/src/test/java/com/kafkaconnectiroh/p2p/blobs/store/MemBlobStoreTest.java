package com.kafkaconnectiroh.p2p.blobs.store;

class MemBlobStoreTest extends BlobStoreContract {
    @Override
    BlobStore newStore() {
        return new MemBlobStore();
    }
}
