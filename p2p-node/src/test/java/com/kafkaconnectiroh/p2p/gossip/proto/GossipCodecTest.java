package com.kafkaconnectiroh.p2p.gossip.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes for every gossip message variant. iroh-gossip ships no golden bytes, so each expectation below is
 * derived by hand from the serde derives in iroh-gossip {@code src/proto/{topic,hyparview,plumtree,state}.rs}
 * (v0.35.0 and v0.101.0 have the same layout) and the postcard wire format ({@code spec/src/wire-format.md}):
 *
 * <ul>
 *   <li>enums: the variant index as a varint, then the fields; {@code topic::Message} is Swarm=0 | Gossip=1;
 *       {@code hyparview::Message} Join=0, ForwardJoin=1, Shuffle=2, ShuffleReply=3, Neighbor=4, Disconnect=5;
 *       {@code plumtree::Message} Gossip=0, Prune=1, Graft=2, IHave=3; {@code Priority} High=0, Low=1;
 *       {@code DeliveryScope} Swarm(Round)=0, Neighbors=1;</li>
 *   <li>structs and newtypes ({@code Ttl(u16)}, {@code Round(u16)}, {@code PeerData(Bytes)}, {@code MessageId([u8;32])},
 *       {@code TopicId([u8;32])}) add no bytes of their own;</li>
 *   <li>{@code u16} is a LEB128 varint (6 → 06, 128 → 80 01, 300 → ac 02, 65535 → ff ff 03); {@code bool} one byte;
 *       {@code Option} 00 | 01 + value; {@code Bytes} and {@code Vec} a varint length first; {@code [u8; 32]} raw;</li>
 *   <li>iroh's {@code PublicKey} serializes as its 32 raw bytes (iroh-base {@code key.rs}, non-human-readable);</li>
 *   <li>{@code Disconnect} has two bools, {@code alive} then {@code respond} (0.101 renamed the second
 *       {@code _respond} but kept it).</li>
 * </ul>
 */
class GossipCodecTest {
    // RFC 8032 §7.1 TEST 1 and TEST 2 public keys: known-valid Ed25519 points.
    static final String K1 = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    static final String K2 = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    // BLAKE3 of the empty input (BLAKE3 test vectors, length 0).
    static final String EMPTY_HASH = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";
    static final String TOPIC = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    final GossipCodec<EndpointId> codec = new GossipCodec<>(PeerIdCodec.ENDPOINT_ID);
    final EndpointId k1 = EndpointId.parse(K1);
    final EndpointId k2 = EndpointId.parse(K2);
    final MessageId empty = MessageId.of(Hex.decode(EMPTY_HASH));
    final byte[] hi = "hi".getBytes(StandardCharsets.US_ASCII);
    final MessageId hiId = MessageId.ofContent(hi);

    private void golden(String hex, Message<EndpointId> m) throws PostcardException {
        byte[] expected = Hex.decode(hex.replace(" ", ""));
        assertEquals(Hex.encode(expected), Hex.encode(codec.encode(m)), "encoding of " + m);
        assertEquals(m, codec.decode(expected), "decoding of " + hex);
    }

    private static Message<EndpointId> swarm(HyParViewMessage<EndpointId> m) {
        return Message.swarm(m);
    }

    @Test
    void membershipMessages() throws Exception {
        // Swarm(0) Join(0) None(00)
        golden("00 00 00", swarm(new HyParViewMessage.Join<>(null)));
        // Swarm Join Some(01) len 2 (02) ca fe
        golden("00 00 01 02 cafe", swarm(new HyParViewMessage.Join<>(PeerData.of(Hex.decode("cafe")))));
        // Swarm ForwardJoin(01) PeerInfo{id K1, data None(00)} ttl 6
        golden("00 01 " + K1 + " 00 06",
                swarm(new HyParViewMessage.ForwardJoin<>(new PeerInfo<>(k1, null), 6)));
        // data Some(empty bytes) = 01 00; ttl 300 = ac 02
        golden("00 01 " + K1 + " 01 00 ac02",
                swarm(new HyParViewMessage.ForwardJoin<>(new PeerInfo<>(k1, PeerData.EMPTY), 300)));
        // Shuffle(02) origin K1, nodes len 2: {K2, Some([01])} {K1, None}, ttl 6
        golden("00 02 " + K1 + " 02 " + K2 + " 01 01 01 " + K1 + " 00 06",
                swarm(new HyParViewMessage.Shuffle<>(k1,
                        List.of(new PeerInfo<>(k2, PeerData.of(new byte[] {1})), new PeerInfo<>(k1, null)), 6)));
        // ShuffleReply(03) nodes len 0
        golden("00 03 00", swarm(new HyParViewMessage.ShuffleReply<>(List.of())));
        golden("00 03 01 " + K2 + " 00",
                swarm(new HyParViewMessage.ShuffleReply<>(List.of(new PeerInfo<>(k2, null)))));
        // Neighbor(04) priority High(00) data Some(01) len 1 aa
        golden("00 04 00 01 01 aa", swarm(new HyParViewMessage.Neighbor<>(Priority.HIGH, PeerData.of(Hex.decode("aa")))));
        // Neighbor priority Low(01) data None
        golden("00 04 01 00", swarm(new HyParViewMessage.Neighbor<>(Priority.LOW, null)));
        // Disconnect(05) alive true, respond false: what iroh 0.101 sends when evicting
        golden("00 05 01 00", swarm(new HyParViewMessage.Disconnect<>(true, false)));
        golden("00 05 00 01", swarm(new HyParViewMessage.Disconnect<>(false, true)));
    }

    @Test
    void broadcastMessages() throws Exception {
        // Gossip(1) Gossip(0) id[32] content len 0, scope Swarm(00) round 0
        golden("01 00 " + EMPTY_HASH + " 00 00 00",
                Message.gossip(new PlumTreeMessage.Gossip(empty, new byte[0], new DeliveryScope.Swarm(0))));
        // content "hi" = 02 68 69, scope Swarm round 300 = 00 ac02
        golden("01 00 " + hiId + " 02 6869 00 ac02",
                Message.gossip(new PlumTreeMessage.Gossip(hiId, hi, new DeliveryScope.Swarm(300))));
        // scope Neighbors = 01
        golden("01 00 " + hiId + " 02 6869 01",
                Message.gossip(new PlumTreeMessage.Gossip(hiId, hi, DeliveryScope.NEIGHBORS)));
        // Prune(01)
        golden("01 01", Message.gossip(PlumTreeMessage.PRUNE));
        // Graft(02) id None, round 0
        golden("01 02 00 00", Message.gossip(new PlumTreeMessage.Graft(null, 0)));
        // Graft id Some(01 + id), round 128 = 80 01
        golden("01 02 01 " + EMPTY_HASH + " 8001", Message.gossip(new PlumTreeMessage.Graft(empty, 128)));
        // IHave(03) len 0
        golden("01 03 00", Message.gossip(new PlumTreeMessage.IHave(List.of())));
        // IHave len 2: {id, round 1} {id, round 65535 = ff ff 03}
        golden("01 03 02 " + EMPTY_HASH + " 01 " + hiId + " ffff03",
                Message.gossip(new PlumTreeMessage.IHave(List.of(new PlumTreeMessage.IHave.Entry(empty, 1),
                        new PlumTreeMessage.IHave.Entry(hiId, 65535)))));
    }

    @Test
    void transportFrames() throws Exception {
        TopicId topic = TopicId.parse(TOPIC);
        // /iroh-gossip/0 frame: u32 BE length 34 (00000022), then state::Message{topic, message}: topic ‖ 01 01
        assertEquals("00000022" + TOPIC + "0101",
                Hex.encode(codec.encodeV0Frame(topic, Message.gossip(PlumTreeMessage.PRUNE), 4096)));
        GossipCodec.Addressed<EndpointId> a = codec.decodeV0Body(Hex.decode(TOPIC + "000501 00".replace(" ", "")));
        assertEquals(topic, a.topic());
        assertEquals(swarm(new HyParViewMessage.Disconnect<>(true, false)), a.message());
        // /iroh-gossip/1 stream header: StreamHeader{topic_id} is the 32 topic bytes, framed: 00000020 ‖ topic
        assertEquals("00000020" + TOPIC, Hex.encode(GossipWire.streamHeaderFrame(topic)));
        assertEquals(topic, GossipCodec.decodeStreamHeader(Hex.decode(TOPIC)));
        // ... then bare messages: Disconnect{alive, !respond} = 4 bytes
        assertEquals("0000000400050100",
                Hex.encode(codec.encodeV1Frame(swarm(new HyParViewMessage.Disconnect<>(true, false)), 4096)));
        assertEquals("/iroh-gossip/0", new String(GossipWire.ALPN_V0_BYTES, StandardCharsets.US_ASCII));
        assertEquals("/iroh-gossip/1", new String(GossipWire.ALPN_V1_BYTES, StandardCharsets.US_ASCII));
    }

    @Test
    void rejectsHostileInput() {
        String[] bad = {
            "",                         // nothing
            "02",                       // topic::Message variant 2
            "00 06",                    // HyParView variant 6
            "01 04",                    // PlumTree variant 4
            "00 00 02",                 // Option tag 2
            "00 05 02 00",              // bool 2
            "00 05 01",                 // truncated Disconnect
            "00 04 02 00",              // Priority 2
            "01 00 " + EMPTY_HASH + " 00 02",                   // DeliveryScope variant 2
            "01 00 " + EMPTY_HASH + " 00 00 808004",            // round 65536 overflows u16
            "00 01 " + K1 + " 00 ffff03 00",                    // trailing byte
            "00 01 0200000000000000000000000000000000000000000000000000000000000000 00 06", // y=2: not on the curve
            "01 03 ffffffff0f",         // IHave claims 2^32-1 entries with no bytes behind them
            "00 03 05 " + K1 + " 00",   // ShuffleReply claims 5 nodes, has 1
            "00 00 01 ffffffffffffffffff01", // PeerData length u64::MAX
            "00 00 01 0a 0102",         // PeerData length 10, 2 bytes
            "01 02 01 " + EMPTY_HASH,   // Graft missing its round
        };
        for (String hex : bad) {
            byte[] b = Hex.decode(hex.replace(" ", ""));
            assertThrows(PostcardException.class, () -> codec.decode(b), "should reject " + hex);
        }
        assertThrows(PostcardException.class, () -> codec.decodeV0Body(Hex.decode(TOPIC.substring(0, 40))));
        assertThrows(PostcardException.class, () -> GossipCodec.decodeStreamHeader(Hex.decode(TOPIC + "00")));
        assertThrows(PostcardException.class, () -> GossipCodec.decodeStreamHeader(Hex.decode(TOPIC.substring(2))));
    }

    @Test
    void writeRefusesFramesAtTheLimitReadAcceptsThem() throws Exception {
        // iroh write_frame: len >= max fails; read_lp: len > max fails.
        byte[] body = new byte[511];
        assertEquals(515, GossipWire.frame(body, 512).length);
        assertThrows(MessageTooLargeException.class, () -> GossipWire.frame(new byte[512], 512));
        byte[] frame = new byte[4 + 512];
        frame[2] = 0x02;
        assertEquals(512, new FrameDecoder(512).next(ByteBuffer.wrap(frame)).length);
        frame[3] = 0x01;
        assertThrows(PostcardException.class, () -> new FrameDecoder(512).next(ByteBuffer.wrap(frame)));
    }

    @Test
    void sizeLimitsFitTheFrame() throws Exception {
        // A broadcast of the largest allowed content, forwarded at the largest round, still frames on /0.
        for (int max : new int[] {512, 4096, 65536}) {
            int n = GossipCodec.maxContentSize(max);
            byte[] content = new byte[n];
            MessageId id = MessageId.ofContent(content);
            TopicId topic = TopicId.parse(TOPIC);
            codec.encodeV0Frame(topic, Message.gossip(new PlumTreeMessage.Gossip(id, content, new DeliveryScope.Swarm(65535))), max);
            byte[] more = new byte[n + 1];
            assertThrows(MessageTooLargeException.class, () -> codec.encodeV0Frame(topic,
                    Message.gossip(new PlumTreeMessage.Gossip(id, more, new DeliveryScope.Swarm(65535))), max));
            int k = GossipCodec.maxIHaveEntries(max);
            List<PlumTreeMessage.IHave.Entry> entries = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                entries.add(new PlumTreeMessage.IHave.Entry(id, 65535));
            }
            codec.encodeV0Frame(topic, Message.gossip(new PlumTreeMessage.IHave(entries)), max);
            entries.add(new PlumTreeMessage.IHave.Entry(id, 65535));
            assertThrows(MessageTooLargeException.class,
                    () -> codec.encodeV0Frame(topic, Message.gossip(new PlumTreeMessage.IHave(entries)), max));
        }
        // iroh 0.101 computes the same IHave batch for the default size: (4096 - 33 - 3) / 35 = 116.
        assertEquals(116, GossipCodec.maxIHaveEntries(4096));
        assertEquals(4023, GossipCodec.maxContentSize(4096));
    }

    @Test
    void streamHeaderIsThe32TopicBytes() {
        assertArrayEquals(Hex.decode(TOPIC), GossipCodec.encodeStreamHeader(TopicId.parse(TOPIC)));
        assertEquals(TOPIC, TopicId.parse(TOPIC).toString());
    }
}
