package com.kafkaconnectiroh.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class IrohSourceConnectorTest {
    static Map<String, String> base() {
        return new HashMap<>(Map.of("name", "src", "connector.class", IrohSourceConnector.class.getName(),
                "gossip.topics", "a,b,c,d,e"));
    }

    @Test
    void topicsAreSpreadRoundRobinAndNoneTwice() {
        IrohSourceConnector c = new IrohSourceConnector();
        String secret = Hex.encode(SecretKey.generate().toBytes());
        Map<String, String> props = base();
        props.put("iroh.secret.key", secret);
        c.start(props);
        List<Map<String, String>> tasks = c.taskConfigs(3);
        assertEquals(3, tasks.size());
        Map<Integer, List<String>> byTask = tasks.stream().collect(Collectors.toMap(
                t -> Integer.parseInt(t.get("task.index")), t -> List.of(t.get("task.gossip.topics").split(","))));
        String a = TopicId.fromName("a").toString();
        String d = TopicId.fromName("d").toString();
        assertEquals(List.of(a, d), byTask.get(0), "the worked example of the javadoc");
        assertEquals(2, byTask.get(1).size());
        assertEquals(1, byTask.get(2).size());
        for (Map<String, String> t : tasks) {
            assertEquals(secret, t.get("iroh.secret.key"), "passed as given (config providers keep placeholders)");
        }
        assertEquals(5, c.taskConfigs(10).size(), "never more tasks than topics");
        assertEquals(1, c.taskConfigs(1).size());
        assertEquals(5, c.taskConfigs(1).get(0).get("task.gossip.topics").split(",").length);
    }

    @Test
    void validateReportsFieldLevelErrors() {
        Map<String, String> props = base();
        props.put("gossip.topics", "chat," + TopicId.fromName("chat") + ",abcdef");
        props.put("iroh.peers", SecretKey.generate().publicKey() + "@127.0.0.1:4450");
        props.put("iroh.allowed.peers", SecretKey.generate().publicKey().toString());
        props.put("iroh.data.dir", "relative/dir");
        props.put("iroh.bind", "0.0.0.0:65530");
        Config result = new IrohSourceConnector().validate(props);
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue v : result.configValues()) {
            if (!v.errorMessages().isEmpty()) {
                errors.put(v.name(), v.errorMessages());
            }
        }
        assertTrue(errors.get("gossip.topics").toString().contains("same gossip topic"), errors.toString());
        assertTrue(errors.get("iroh.peers").toString().contains("not in iroh.allowed.peers"), errors.toString());
        assertTrue(errors.get("iroh.data.dir").toString().contains("absolute"), errors.toString());
        assertTrue(errors.get("iroh.bind").toString().contains("65530"), errors.toString());
        assertFalse(errors.containsKey("kafka.topic"));
    }
}
