package com.kafkaconnectiroh.p2p.cli;

import static com.kafkaconnectiroh.p2p.Fixtures.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kafkaconnectiroh.p2p.blobs.DownloadListener;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;
import com.kafkaconnectiroh.p2p.envelope.Envelope;
import com.kafkaconnectiroh.p2p.envelope.EnvelopeCodec;
import com.kafkaconnectiroh.p2p.envelope.Message;
import com.kafkaconnectiroh.p2p.gossip.GossipEvent;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.node.Node;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gossip publish --blob FILE} as a separate process: one envelope referencing the file goes out, acknowledged;
 * the file is then served in place until SIGTERM, and a receiver fetches it, verified.
 */
@Timeout(120)
class GossipPublishBlobTest {
    @TempDir
    Path dir;

    @Test
    void aBlobReferenceIsPublishedAndTheFileServedUntilStopped() throws Exception {
        byte[] content = randomBytes(5, 2_000_000);
        Path file = dir.resolve("payload.bin");
        Files.write(file, content);
        TopicId topic = TopicId.fromName("publish-blob-" + System.nanoTime());
        try (Node receiver = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            GossipTopic sub = receiver.gossip().subscribe(topic, List.of());
            try (CliProcess pub = CliProcess.start("gossip", "publish", "--topic", topic.toString(), "--json",
                    "--bind", "127.0.0.1:0", "--peer", receiver.ticket().toString(), "--blob", file.toString())) {
                ObjectMapper json = new ObjectMapper();
                JsonNode blobLine = null;
                for (int i = 0; i < 10 && blobLine == null; i++) {
                    JsonNode l = json.readTree(pub.nextLine(Duration.ofSeconds(30)));
                    if (l.path("type").asText().equals("blob")) {
                        blobLine = l;
                    }
                }
                assertEquals(Hash.of(content).toHex(), blobLine.path("hash").asText());
                assertEquals(content.length, blobLine.path("size").asLong());

                GossipEvent.Received r = null;
                while (r == null) {
                    GossipEvent e = sub.next(Duration.ofSeconds(30));
                    assertTrue(e != null, "no message; stderr:\n" + pub.stderr());
                    if (e instanceof GossipEvent.Received rec) {
                        r = rec;
                    }
                }
                Envelope env = assertInstanceOf(Message.Full.class, EnvelopeCodec.decode(r.content())).envelope();
                BlobRef ref = assertInstanceOf(Envelope.Blob.class, env.payload()).ref();
                assertEquals(content.length, ref.size());
                receiver.blobs().downloader().download(ref.content(), ref.providers(), TagOption.none(),
                        DownloadListener.NONE, content.length);
                assertArrayEquals(content, receiver.blobs().read(ref.content().hash()));
                String done;
                do {
                    done = pub.nextLine(Duration.ofSeconds(30));
                } while (!done.contains("\"done\""));
                assertTrue(done.contains("\"acknowledged\":true"), done);
                assertTrue(pub.isAlive(), "still serving after the message was acknowledged");
                assertEquals(0, pub.stop(), pub.stderr());
            }
        }
    }

    @Test
    void aBlobIsNotAMessageAndMustBeAFile() throws Exception {
        try (CliProcess both = CliProcess.start("gossip", "publish", "--topic", "t", "--peer",
                com.kafkaconnectiroh.p2p.base.SecretKey.generate().publicKey() + "@127.0.0.1:9", "--blob", dir.toString(), "hello")) {
            assertEquals(2, both.awaitExit(Duration.ofSeconds(30)));
            assertTrue(both.stderr().contains("no MESSAGE"), both.stderr());
        }
        try (CliProcess folder = CliProcess.start("gossip", "publish", "--topic", "t", "--peer",
                com.kafkaconnectiroh.p2p.base.SecretKey.generate().publicKey() + "@127.0.0.1:9", "--blob", dir.toString())) {
            assertEquals(2, folder.awaitExit(Duration.ofSeconds(30)));
            assertTrue(folder.stderr().contains("not a regular file"), folder.stderr());
        }
    }
}
