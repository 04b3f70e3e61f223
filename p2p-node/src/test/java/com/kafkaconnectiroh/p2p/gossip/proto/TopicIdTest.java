package com.kafkaconnectiroh.p2p.gossip.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How a topic typed by a person becomes a {@link TopicId} (the CLI's --topic, the connectors' gossip.topic). */
class TopicIdTest {
    static final String CHAT = "504c1dbb87fc1cd93594bd6baad1b520229bd222e16d9c48138998f602993c67";

    @Test
    void namesAreBlake3OfTheirUtf8() {
        // b3sum of the empty input (BLAKE3 reference) and of "chat" (`printf %s chat | b3sum`)
        assertEquals("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262", TopicId.fromName("").toString());
        assertEquals(CHAT, TopicId.fromName("chat").toString());
        assertEquals(TopicId.fromName("chat"), TopicId.parseOrName(CHAT));
        assertEquals(TopicId.fromName("chat"), TopicId.parseOrName(" " + CHAT.toUpperCase() + "\n"));
        assertEquals(TopicId.fromName("chat"), TopicId.parseOrName("chat"));
        // a name is taken as given, whitespace included
        assertEquals(TopicId.fromName(" chat"), TopicId.parseOrName(" chat"));
    }

    @Test
    void hexOfTheWrongLengthIsADamagedIdNotAName() {
        for (String damaged : new String[] {CHAT.substring(1), CHAT + "0", CHAT.substring(0, 41), CHAT + CHAT}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopicId.parseOrName(damaged));
            assertTrue(e.getMessage().contains("has " + damaged.length() + " hex digits: a topic id has exactly 64"),
                    e.getMessage());
        }
    }

    @Test
    void shortHexTextsWordsAndUuidsStayNames() {
        String uuid = "0f8fad5bd9cb469fa16570867728950e"; // 32 digits
        String gitHash = "8b17e16d0c9f3e5a2b4c6d8e0f1a3b5c7d9e1f20"; // 40 digits
        for (String name : new String[] {"cafe", "2024", "42", uuid, gitHash, "chat-" + CHAT.substring(1), "g" + CHAT}) {
            assertEquals(TopicId.fromName(name), TopicId.parseOrName(name), name);
        }
    }

    @Test
    void anEmptyTopicIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TopicId.parseOrName(""));
        assertThrows(IllegalArgumentException.class, () -> TopicId.parseOrName("  \t"));
    }
}
