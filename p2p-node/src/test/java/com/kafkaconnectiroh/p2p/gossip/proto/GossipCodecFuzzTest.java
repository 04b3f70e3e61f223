package com.kafkaconnectiroh.p2p.gossip.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Seeded random messages round-trip; seeded random mutations of them decode or fail with PostcardException only. */
class GossipCodecFuzzTest {
    final GossipCodec<EndpointId> codec = new GossipCodec<>(PeerIdCodec.ENDPOINT_ID);
    final SplittableRandom rnd = new SplittableRandom(2024);
    final List<EndpointId> keys = new ArrayList<>();

    GossipCodecFuzzTest() {
        for (int i = 0; i < 8; i++) {
            byte[] seed = new byte[32];
            seed[0] = (byte) i;
            keys.add(SecretKey.fromBytes(seed).publicKey());
        }
    }

    EndpointId key() {
        return keys.get(rnd.nextInt(keys.size()));
    }

    PeerData data() {
        if (rnd.nextInt(4) == 0) {
            return null;
        }
        byte[] b = new byte[rnd.nextInt(40)];
        rnd.nextBytes(b);
        return PeerData.of(b);
    }

    List<PeerInfo<EndpointId>> infos() {
        List<PeerInfo<EndpointId>> l = new ArrayList<>();
        for (int i = rnd.nextInt(9); i > 0; i--) {
            l.add(new PeerInfo<>(key(), data()));
        }
        return l;
    }

    MessageId id() {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        return MessageId.of(b);
    }

    Message<EndpointId> randomMessage() {
        int round = rnd.nextInt(4) == 0 ? 65535 : rnd.nextInt(300);
        switch (rnd.nextInt(10)) {
            case 0: return Message.swarm(new HyParViewMessage.Join<>(data()));
            case 1: return Message.swarm(new HyParViewMessage.ForwardJoin<>(new PeerInfo<>(key(), data()), rnd.nextInt(65536)));
            case 2: return Message.swarm(new HyParViewMessage.Shuffle<>(key(), infos(), rnd.nextInt(8)));
            case 3: return Message.swarm(new HyParViewMessage.ShuffleReply<>(infos()));
            case 4: return Message.swarm(new HyParViewMessage.Neighbor<>(rnd.nextBoolean() ? Priority.HIGH : Priority.LOW, data()));
            case 5: return Message.swarm(new HyParViewMessage.Disconnect<>(rnd.nextBoolean(), rnd.nextBoolean()));
            case 6: {
                byte[] c = new byte[rnd.nextInt(200)];
                rnd.nextBytes(c);
                DeliveryScope scope = rnd.nextBoolean() ? DeliveryScope.NEIGHBORS : new DeliveryScope.Swarm(round);
                return Message.gossip(new PlumTreeMessage.Gossip(MessageId.ofContent(c), c, scope));
            }
            case 7: return Message.gossip(PlumTreeMessage.PRUNE);
            case 8: return Message.gossip(new PlumTreeMessage.Graft(rnd.nextBoolean() ? null : id(), round));
            default: {
                List<PlumTreeMessage.IHave.Entry> e = new ArrayList<>();
                for (int i = rnd.nextInt(6); i > 0; i--) {
                    e.add(new PlumTreeMessage.IHave.Entry(id(), rnd.nextInt(65536)));
                }
                return Message.gossip(new PlumTreeMessage.IHave(e));
            }
        }
    }

    byte[] mutate(byte[] in) {
        byte[] b = in.clone();
        switch (rnd.nextInt(5)) {
            case 0: // flip bits
                for (int k = 1 + rnd.nextInt(3); k > 0 && b.length > 0; k--) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                return b;
            case 1: // truncate
                return Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            case 2: { // insert a random byte
                int at = rnd.nextInt(b.length + 1);
                byte[] o = new byte[b.length + 1];
                System.arraycopy(b, 0, o, 0, at);
                o[at] = (byte) rnd.nextInt(256);
                System.arraycopy(b, at, o, at + 1, b.length - at);
                return o;
            }
            case 3: // a boundary value somewhere (tags, lengths, bools)
                if (b.length > 0) {
                    b[rnd.nextInt(b.length)] = (byte) new int[] {0, 1, 2, 5, 6, 0x7f, 0x80, 0xff}[rnd.nextInt(8)];
                }
                return b;
            default: { // delete a byte
                if (b.length == 0) {
                    return b;
                }
                int at = rnd.nextInt(b.length);
                byte[] o = new byte[b.length - 1];
                System.arraycopy(b, 0, o, 0, at);
                System.arraycopy(b, at + 1, o, at, b.length - at - 1);
                return o;
            }
        }
    }

    @Test
    void randomMessagesRoundTrip() throws Exception {
        for (int i = 0; i < 3000; i++) {
            Message<EndpointId> m = randomMessage();
            byte[] enc = codec.encode(m);
            assertEquals(m, codec.decode(enc));
            TopicId t = TopicId.of(id().toBytes());
            GossipCodec.Addressed<EndpointId> a = codec.decodeV0Body(codec.encodeV0Body(t, m));
            assertEquals(t, a.topic());
            assertEquals(m, a.message());
        }
    }

    @Test
    void mutatedInputFailsCleanly() {
        int rejected = 0;
        int accepted = 0;
        for (int i = 0; i < 20000; i++) {
            byte[] enc = codec.encode(randomMessage());
            byte[] bad = mutate(enc);
            try {
                Message<EndpointId> m = codec.decode(bad);
                accepted++;
                // Whatever decodes must encode and decode to the same value again.
                assertEquals(m, codec.decode(codec.encode(m)));
            } catch (PostcardException e) {
                rejected++;
            } catch (RuntimeException e) {
                fail("decoding " + Hex.encode(bad) + " threw " + e, e);
            }
        }
        // Both outcomes happen, so the loop exercises parsing paths rather than failing at the first byte.
        assertTrue(rejected > 5000 && accepted > 1000, rejected + " rejected, " + accepted + " accepted");
    }

    @Test
    void randomStreamsThroughTheFrameDecoder() {
        for (int i = 0; i < 2000; i++) {
            byte[] stream = new byte[rnd.nextInt(64)];
            rnd.nextBytes(stream);
            if (stream.length >= 4 && rnd.nextBoolean()) {
                stream[0] = 0;
                stream[1] = 0; // plausible lengths
            }
            FrameDecoder d = new FrameDecoder(512);
            try {
                ByteBuffer b = ByteBuffer.wrap(stream);
                byte[] f;
                while ((f = d.next(b)) != null) {
                    try {
                        codec.decodeV0Body(f);
                    } catch (PostcardException expected) {
                        // fine
                    }
                }
                d.endOfStream();
            } catch (PostcardException expected) {
                // fine
            } catch (RuntimeException e) {
                fail("frame decoder threw " + e, e);
            }
        }
    }
}
