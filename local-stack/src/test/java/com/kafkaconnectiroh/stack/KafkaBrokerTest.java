package com.kafkaconnectiroh.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {
    /** One id in 64 starts with '-' by chance: the storage tool then took it for an option and refused to format. */
    @Test
    void clusterIdsNeverStartWithADash() {
        for (int i = 0; i < 20_000; i++) {
            String id = KafkaBroker.clusterId();
            assertNotEquals('-', id.charAt(0), id);
            assertEquals(16, Base64.getUrlDecoder().decode(id).length);
        }
    }
}
