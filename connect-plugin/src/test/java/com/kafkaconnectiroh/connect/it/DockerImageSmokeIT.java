package com.kafkaconnectiroh.connect.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.stack.ConnectRest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The zip on the official image, as docker-compose.yml runs it: {@code apache/kafka:4.3.1} as the broker and as a
 * Connect worker whose plugin.path holds the unpacked zip. Needs a Docker engine; without one it is reported as
 * skipped (CI has none: the same path is proven without Docker by the other kafka-it tests on the distribution's jars).
 */
@Tag("kafka-it")
@Testcontainers(disabledWithoutDocker = true)
class DockerImageSmokeIT {
    static final DockerImageName KAFKA = DockerImageName.parse("apache/kafka:4.3.1");

    @Test
    void theOfficialImageLoadsBothConnectorsFromTheZip() throws Exception {
        Path zip = Path.of(System.getProperty("plugin.zip"));
        try (Network net = Network.newNetwork();
             GenericContainer<?> kafka = new GenericContainer<>(KAFKA).withNetwork(net).withNetworkAliases("kafka")
                     .withEnv("KAFKA_NODE_ID", "1")
                     .withEnv("KAFKA_PROCESS_ROLES", "broker,controller")
                     .withEnv("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093")
                     .withEnv("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka:9092")
                     .withEnv("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
                     .withEnv("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT")
                     .withEnv("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka:9093")
                     .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                     .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                     .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                     .waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1));
             GenericContainer<?> connect = new GenericContainer<>(KAFKA).withNetwork(net).dependsOn(kafka)
                     .withCopyFileToContainer(MountableFile.forHostPath(zip), "/tmp/plugin.zip")
                     .withCopyFileToContainer(MountableFile.forHostPath(
                             Path.of(System.getProperty("repo.root"), "config", "connect-distributed.properties")),
                             "/etc/kafka-connect/connect-distributed.properties")
                     .withCommand("bash", "-c", "mkdir -p /opt/connect-plugins && cd /opt/connect-plugins && "
                             + "jar xf /tmp/plugin.zip && exec /opt/kafka/bin/connect-distributed.sh "
                             + "/etc/kafka-connect/connect-distributed.properties")
                     .withExposedPorts(8083)
                     .waitingFor(Wait.forHttp("/connector-plugins").forPort(8083)
                             .withStartupTimeout(Duration.ofMinutes(3)))) {
            kafka.start();
            connect.start();
            ConnectRest rest = new ConnectRest("http://" + connect.getHost() + ":" + connect.getMappedPort(8083));
            String plugins = rest.get("/connector-plugins").orThrow("plugins").text();
            assertTrue(plugins.contains(ItStack.SOURCE_CLASS) && plugins.contains(ItStack.SINK_CLASS), plugins);
        }
    }
}
