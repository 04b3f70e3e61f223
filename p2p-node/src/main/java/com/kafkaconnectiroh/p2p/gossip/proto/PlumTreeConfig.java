package com.kafkaconnectiroh.p2p.gossip.proto;

import java.time.Duration;

/**
 * Broadcast layer settings. The first seven are iroh-gossip's {@code plumtree::Config::default()} (the same in
 * 0.35 and 0.101); the rest are not in iroh and bound memory under floods, where iroh's caches only expire by
 * time.
 *
 * @param graftTimeout1           wait after the first IHave for a message before grafting it (80 ms)
 * @param graftTimeout2           wait after a Graft before asking the next announcer (40 ms)
 * @param dispatchTimeout         IHaves are batched for this long (5 ms)
 * @param optimizationThreshold   a lazy peer must be this many rounds closer to the origin than the eager
 *                                sender before the tree is rewired (7, from the PlumTree paper p. 12)
 * @param messageCacheRetention   payloads are kept this long to answer Grafts (30 s)
 * @param messageIdRetention      ids of received messages are kept this long to drop duplicates (90 s)
 * @param cacheEvictInterval      how often the caches are swept (1 s)
 * @param maxCachedMessages       cap on cached payloads; the oldest go first (65536; with 100-byte messages the
 *                                byte cap binds first, at about 47,000)
 * @param maxCachedBytes          cap on cached payloads' content plus 256 bytes of bookkeeping each (16 MiB)
 * @param maxReceivedIds          cap on remembered message ids (65536); past it the oldest are forgotten early,
 *                                which can let a very late duplicate through
 * @param maxMissingMessages      cap on announced-but-missing message ids we track for grafting (16384)
 * @param maxAnnouncersPerMessage IHave announcers remembered per missing message (8)
 * @param maxGraftAttempts        Grafts sent for one missing message before giving up (8); iroh asks each
 *                                announcer once
 */
public record PlumTreeConfig(
        Duration graftTimeout1,
        Duration graftTimeout2,
        Duration dispatchTimeout,
        int optimizationThreshold,
        Duration messageCacheRetention,
        Duration messageIdRetention,
        Duration cacheEvictInterval,
        int maxCachedMessages,
        long maxCachedBytes,
        int maxReceivedIds,
        int maxMissingMessages,
        int maxAnnouncersPerMessage,
        int maxGraftAttempts) {

    public static final PlumTreeConfig DEFAULT = new PlumTreeConfig(Duration.ofMillis(80), Duration.ofMillis(40),
            Duration.ofMillis(5), 7, Duration.ofSeconds(30), Duration.ofSeconds(90), Duration.ofSeconds(1),
            65536, 16L << 20, 65536, 16384, 8, 8);

    public PlumTreeConfig {
        HyParViewConfig.positive(graftTimeout1, "graftTimeout1");
        HyParViewConfig.positive(graftTimeout2, "graftTimeout2");
        HyParViewConfig.positive(dispatchTimeout, "dispatchTimeout");
        HyParViewConfig.u16(optimizationThreshold, "optimizationThreshold");
        HyParViewConfig.positive(messageCacheRetention, "messageCacheRetention");
        HyParViewConfig.positive(messageIdRetention, "messageIdRetention");
        HyParViewConfig.positive(cacheEvictInterval, "cacheEvictInterval");
        HyParViewConfig.positive(maxCachedMessages, "maxCachedMessages");
        if (maxCachedBytes <= 0) {
            throw new IllegalArgumentException("maxCachedBytes must be positive, got " + maxCachedBytes);
        }
        HyParViewConfig.positive(maxReceivedIds, "maxReceivedIds");
        HyParViewConfig.positive(maxMissingMessages, "maxMissingMessages");
        HyParViewConfig.positive(maxAnnouncersPerMessage, "maxAnnouncersPerMessage");
        HyParViewConfig.positive(maxGraftAttempts, "maxGraftAttempts");
    }

    /** Replaces the memory caps (the fields not in iroh). */
    public PlumTreeConfig withCaps(int maxCachedMessages, long maxCachedBytes, int maxReceivedIds, int maxMissingMessages) {
        return new PlumTreeConfig(graftTimeout1, graftTimeout2, dispatchTimeout, optimizationThreshold,
                messageCacheRetention, messageIdRetention, cacheEvictInterval, maxCachedMessages, maxCachedBytes,
                maxReceivedIds, maxMissingMessages, maxAnnouncersPerMessage, maxGraftAttempts);
    }

    public PlumTreeConfig withOptimizationThreshold(int v) {
        return new PlumTreeConfig(graftTimeout1, graftTimeout2, dispatchTimeout, v, messageCacheRetention,
                messageIdRetention, cacheEvictInterval, maxCachedMessages, maxCachedBytes, maxReceivedIds,
                maxMissingMessages, maxAnnouncersPerMessage, maxGraftAttempts);
    }

    public PlumTreeConfig withMaxGraftAttempts(int v) {
        return new PlumTreeConfig(graftTimeout1, graftTimeout2, dispatchTimeout, optimizationThreshold,
                messageCacheRetention, messageIdRetention, cacheEvictInterval, maxCachedMessages, maxCachedBytes,
                maxReceivedIds, maxMissingMessages, maxAnnouncersPerMessage, v);
    }

    public PlumTreeConfig withRetention(Duration messageCacheRetention, Duration messageIdRetention) {
        return new PlumTreeConfig(graftTimeout1, graftTimeout2, dispatchTimeout, optimizationThreshold,
                messageCacheRetention, messageIdRetention, cacheEvictInterval, maxCachedMessages, maxCachedBytes,
                maxReceivedIds, maxMissingMessages, maxAnnouncersPerMessage, maxGraftAttempts);
    }
}
