package com.kafkaconnectiroh.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Directory helpers of the stack (the demo, the local stack, the tests). */
public final class Dirs {
    private Dirs() {
    }

    /** Deletes {@code p} and everything below it; nothing if it does not exist. Links are removed, not followed. */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
