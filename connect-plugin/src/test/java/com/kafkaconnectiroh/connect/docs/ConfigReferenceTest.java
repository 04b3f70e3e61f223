package com.kafkaconnectiroh.connect.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/config-reference.md is what the ConfigDefs say (CI fails when someone changes a key and not the doc). */
class ConfigReferenceTest {
    @Test
    void theCheckedInReferenceIsCurrent() throws Exception {
        Path file = Path.of(System.getProperty("repo.root", "..")).resolve("docs").resolve("config-reference.md");
        String now = ConfigReference.markdown();
        if (Boolean.getBoolean("config.reference.write")) {
            Files.writeString(file, now);
        }
        assertEquals(now, Files.exists(file) ? Files.readString(file) : "", "docs/config-reference.md is stale; "
                + "regenerate: mvn -q -B -pl connect-plugin -am test -Dtest=ConfigReferenceTest "
                + "-Dsurefire.failIfNoSpecifiedTests=false -Dconfig.reference.write=true");
    }
}
