package com.kafkaconnectiroh.connect.source;

import java.util.List;

/** The task's source kinds as one: started, checked, counted and closed together. */
final class SourceKinds implements SourceKind {
    private final List<SourceKind> kinds;

    SourceKinds(List<SourceKind> kinds) {
        this.kinds = List.copyOf(kinds);
    }

    @Override
    public void start() {
        for (SourceKind k : kinds) {
            k.start();
        }
    }

    @Override
    public void checkHealth() {
        for (SourceKind k : kinds) {
            k.checkHealth();
        }
    }

    @Override
    public long neighbors() {
        return kinds.stream().mapToLong(SourceKind::neighbors).sum();
    }

    @Override
    public long dropped() {
        return kinds.stream().mapToLong(SourceKind::dropped).sum();
    }

    @Override
    public void close() {
        for (SourceKind k : kinds) {
            k.close();
        }
    }
}
