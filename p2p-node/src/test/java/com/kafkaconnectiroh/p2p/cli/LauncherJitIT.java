package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which commands {@code bin/p2p-node} starts with the C1 compiler alone: the short ones and gossip (small work per
 * message, seconds of C2 compiling), never those that move bulk data (AES-GCM has no C1 intrinsics), and
 * {@code P2P_NODE_JAVA_OPTS} comes after, so a user's choice wins. The shipped launcher runs against a recording
 * {@code JAVA} that prints the arguments it was given.
 */
class LauncherJitIT {
    private static final String C1 = "-XX:TieredStopAtLevel=1";
    private Path dir;
    private Path fakeJava;

    @BeforeEach
    void recordingJava() throws IOException {
        dir = Files.createTempDirectory("p2p-node-launcher-it");
        fakeJava = dir.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void cleanUp() throws IOException {
        Files.deleteIfExists(fakeJava);
        Files.deleteIfExists(dir);
    }

    @Test
    void gossipAndShortCommandsGetC1AloneBulkDataGetsTheFullJit() throws Exception {
        assertTrue(jvmArgs("", "gossip", "subscribe", "--topic", "t").contains(C1));
        assertTrue(jvmArgs("", "gossip", "publish", "--topic", "t", "--peer", "p").contains(C1));
        assertTrue(jvmArgs("", "ping", "x").contains(C1));
        assertTrue(jvmArgs("", "id").contains(C1));
        // serving a file from `gossip publish --blob` is bulk data, in either spelling of the option
        assertEquals(List.of(), c1Flags(jvmArgs("", "gossip", "publish", "--topic", "t", "--blob", "f")));
        assertEquals(List.of(), c1Flags(jvmArgs("", "gossip", "publish", "--topic", "t", "--blob=f")));
        assertEquals(List.of(), c1Flags(jvmArgs("", "blob", "get", "x")));
        assertEquals(List.of(), c1Flags(jvmArgs("", "serve")));
        assertEquals(List.of(), c1Flags(jvmArgs("", "speedtest", "connect", "x")));
    }

    @Test
    void theUsersJvmOptionsComeLaterAndWin() throws Exception {
        List<String> args = jvmArgs("-XX:TieredStopAtLevel=4", "gossip", "subscribe", "--topic", "t");
        assertEquals(List.of(C1, "-XX:TieredStopAtLevel=4"), c1Flags(args), args.toString());
    }

    private static List<String> c1Flags(List<String> jvmArgs) {
        return jvmArgs.stream().filter(a -> a.startsWith("-XX:TieredStopAtLevel")).toList();
    }

    /** The JVM options the launcher passed before {@code -jar} for this command line. */
    private List<String> jvmArgs(String userOpts, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(DemoScriptIT.home().resolve("bin/p2p-node").toString());
        cmd.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA", fakeJava.toString());
        pb.environment().put("P2P_NODE_JAVA_OPTS", userOpts);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "finished in time");
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        int jar = lines.indexOf("-jar");
        assertTrue(jar > 0, "the launcher ran java with -jar: " + out);
        assertEquals(List.of(command), lines.subList(jar + 2, lines.size()), "the command is passed on unchanged");
        return lines.subList(0, jar);
    }
}
