package com.kafkaconnectiroh.connect.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real nodes on loopback: shared by identity, closed by the last lease, conflicts refused. */
class TaskNodesTest {
    @TempDir
    Path dir;

    private TaskIdentity identity(SecretKey key, int port, Set<com.kafkaconnectiroh.p2p.base.EndpointId> allowed) {
        return new TaskIdentity(key, new InetSocketAddress("127.0.0.1", port),
                dir.resolve("nodes").resolve(key.publicKey().toString()), allowed);
    }

    @Test
    void tasksOfOneIdentityShareOneNodeUntilTheLastLeaves() throws Exception {
        SecretKey key = SecretKey.generate();
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = s.getLocalPort();
        }
        TaskIdentity id = identity(key, port, Set.of());
        TaskNodes.Lease a = TaskNodes.acquire(id, b -> { });
        TaskNodes.Lease b = TaskNodes.acquire(id, x -> { });
        assertSame(a.node(), b.node());
        assertEquals(port, a.node().endpoint().boundAddress().getPort());
        a.close();
        a.close(); // idempotent: the count drops once
        assertFalse(b.node().isClosed(), "still leased by b");
        b.close();
        assertTrue(b.node().isClosed());
        assertFalse(TaskNodes.running().contains(key.publicKey()));
        // The port and the store lock are free again: a new node of the same identity starts at once.
        try (TaskNodes.Lease c = TaskNodes.acquire(id, x -> { })) {
            assertFalse(c.node().isClosed());
        }
    }

    @Test
    void tasksOfOneIdentityStartingTogetherGetTheSameNode() throws Exception {
        TaskIdentity id = identity(SecretKey.generate(), 0, Set.of());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<TaskNodes.Lease>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fs.add(pool.submit(() -> TaskNodes.acquire(id, b -> { })));
            }
            java.util.Set<Object> nodes = new java.util.HashSet<>();
            java.util.List<TaskNodes.Lease> leases = new java.util.ArrayList<>();
            for (var f : fs) {
                TaskNodes.Lease l = f.get();
                leases.add(l);
                nodes.add(l.node());
            }
            assertEquals(1, nodes.size(), "one node for the identity, not eight attempts at its store");
            for (TaskNodes.Lease l : leases) {
                l.close();
            }
            assertTrue(leases.get(0).node().isClosed());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneIdentityCannotRunWithTwoBindAddresses() throws Exception {
        SecretKey key = SecretKey.generate();
        try (TaskNodes.Lease a = TaskNodes.acquire(identity(key, 0, Set.of()), b -> { })) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> TaskNodes.acquire(new TaskIdentity(key, new InetSocketAddress("127.0.0.2", 0),
                            dir.resolve("nodes").resolve(key.publicKey().toString()), Set.of()), b -> { }));
            assertTrue(e.getMessage().contains("bind address"), e.getMessage());
            IllegalStateException allowed = assertThrows(IllegalStateException.class,
                    () -> TaskNodes.acquire(identity(key, 0, Set.of(SecretKey.generate().publicKey())), b -> { }));
            assertTrue(allowed.getMessage().contains("allowed"), allowed.getMessage());
            assertFalse(a.node().isClosed(), "a refused task does not disturb the running node");
        }
    }
}
