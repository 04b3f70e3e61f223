package com.kafkaconnectiroh.connect.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskIdentityTest {
    @TempDir
    Path dir;

    static final class Config extends IrohConnectorConfig {
        Config(Map<String, String> props) {
            super(defineNodeConfig(new ConfigDef()), props);
        }
    }

    @Test
    void taskZeroIsTheConfiguredIdentityAndLaterTasksAreDistinctAndStable() throws Exception {
        SecretKey key = SecretKey.generate();
        Config c = new Config(Map.of("name", "c", "iroh.secret.key", Hex.encode(key.toBytes()), "iroh.bind",
                "127.0.0.1:5000", "iroh.data.dir", dir.toString()));
        TaskIdentity t0 = TaskIdentity.resolve(c, 0);
        assertEquals(key.publicKey(), t0.id());
        assertEquals(new InetSocketAddress("127.0.0.1", 5000), t0.bind());
        Set<EndpointId> ids = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            TaskIdentity t = TaskIdentity.resolve(c, i);
            assertTrue(ids.add(t.id()), "task " + i + " repeats an id");
            assertEquals(5000 + i, t.bind().getPort());
            assertEquals(dir.resolve("nodes").resolve(t.id().toString()), t.nodeDir());
            assertEquals(t.id(), TaskIdentity.resolve(c, i).id(), "stable");
        }
        // The derivation is a fixed function of key and index (so another worker derives the same).
        assertEquals(TaskIdentity.deriveTaskKey(key, 3).publicKey(), TaskIdentity.resolve(c, 3).id());
        assertNotEquals(TaskIdentity.deriveTaskKey(key, 3).publicKey(),
                TaskIdentity.deriveTaskKey(SecretKey.generate(), 3).publicKey());
    }

    @Test
    void withoutAKeyTheConnectorKeyIsKeptInTheDataDir() throws Exception {
        Config c = new Config(Map.of("name", "my/conn", "iroh.data.dir", dir.toString()));
        TaskIdentity first = TaskIdentity.resolve(c, 0);
        TaskIdentity again = TaskIdentity.resolve(c, 0);
        assertEquals(first.id(), again.id(), "the key persists");
        Path keyDir = dir.resolve("connectors").resolve(TaskIdentity.pathSafe("my/conn"));
        assertTrue(Files.exists(keyDir.resolve("secret_key")), keyDir.toString());
        assertTrue(keyDir.getFileName().toString().startsWith("my_conn-"), "a hash keeps 'my/conn' apart from 'my_conn'");
        assertNotEquals(TaskIdentity.pathSafe("my/conn"), TaskIdentity.pathSafe("my_conn"));
        assertEquals("plain-name", TaskIdentity.pathSafe("plain-name"));
        assertTrue(!TaskIdentity.pathSafe("..").contains("/") && !TaskIdentity.pathSafe("..").equals(".."));
        TaskIdentity other = TaskIdentity.resolve(new Config(Map.of("name", "other", "iroh.data.dir", dir.toString())), 0);
        assertNotEquals(first.id(), other.id(), "connectors without keys get their own identities");
    }

    @Test
    void portsBeyondTheRangeAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> TaskIdentity.taskBind(new InetSocketAddress("0.0.0.0", 65535), 1));
        assertEquals(0, TaskIdentity.taskBind(new InetSocketAddress("0.0.0.0", 0), 7).getPort());
    }
}
