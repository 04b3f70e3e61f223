package com.kafkaconnectiroh.p2p.base;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretKeyStoreTest {
    @TempDir
    Path tmp;

    @Test
    void createsDirectoryAndOwnerOnlyKeyFile() throws Exception {
        Path dir = tmp.resolve("a/b/data");
        SecretKey key = SecretKeyStore.loadOrCreate(dir);
        Path file = dir.resolve("secret_key");
        assertEquals(Hex.encode(key.toBytes()) + "\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void loadsTheSameKeyAgain() throws Exception {
        SecretKey first = SecretKeyStore.loadOrCreate(tmp);
        SecretKey second = SecretKeyStore.loadOrCreate(tmp);
        assertArrayEquals(first.toBytes(), second.toBytes());
        assertEquals(first.publicKey(), second.publicKey());
    }

    @Test
    void readsAKeyWrittenByHandWithCrlfOrUppercase() throws Exception {
        SecretKey key = SecretKey.fromBytes(filled(7));
        Path file = tmp.resolve("secret_key");
        Files.writeString(file, Hex.encode(key.toBytes()).toUpperCase() + "\r\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals(key.publicKey(), SecretKeyStore.loadOrCreate(tmp).publicKey());
    }

    @Test
    void tightensBroadPermissions() throws Exception {
        SecretKey key = SecretKeyStore.loadOrCreate(tmp);
        Path file = tmp.resolve("secret_key");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr--r--"));
        assertEquals(key.publicKey(), SecretKeyStore.loadOrCreate(tmp).publicKey());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        // Narrower than 0600 is left alone.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        SecretKeyStore.loadOrCreate(tmp);
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void refusesMalformedFilesAndNeverReplacesThem() throws Exception {
        Path file = tmp.resolve("secret_key");
        for (String content : new String[] {"", "\n", "abc\n", "zz" + "00".repeat(31) + "\n", "00".repeat(33) + "\n", "00".repeat(200)}) {
            Files.writeString(file, content);
            IOException e = assertThrows(IOException.class, () -> SecretKeyStore.loadOrCreate(tmp));
            assertTrue(e.getMessage().contains("malformed secret key file"), e.getMessage());
            assertEquals(content, Files.readString(file, StandardCharsets.US_ASCII), "file left untouched");
        }
    }

    @Test
    void fuzzedKeyFilesLoadOrFailWithoutBeingTouched() throws Exception {
        java.util.Random rnd = new java.util.Random(10);
        Path file = tmp.resolve("secret_key");
        byte[] good = (Hex.encode(filled(3)) + "\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 500; i++) {
            byte[] b = good.clone();
            for (int k = rnd.nextInt(3); k >= 0; k--) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextBoolean()) {
                b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 4));
            }
            Files.write(file, b);
            try {
                SecretKey k = SecretKeyStore.loadOrCreate(tmp);
                assertEquals(Hex.encode(k.toBytes()), new String(b, StandardCharsets.US_ASCII).strip().toLowerCase());
            } catch (IOException expected) {
                assertTrue(expected.getMessage().contains("malformed"), expected.getMessage());
            }
            assertArrayEquals(b, Files.readAllBytes(file));
        }
    }

    @Test
    void refusesADirectoryInPlaceOfTheKey() throws Exception {
        Files.createDirectory(tmp.resolve("secret_key"));
        IOException e = assertThrows(IOException.class, () -> SecretKeyStore.loadOrCreate(tmp));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void aDataDirBelowARegularFileIsExplainedNotJustNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "mine");
        for (Path dataDir : List.of(file.resolve("node"), file.resolve("node").resolve("deeper"))) {
            IOException e = assertThrows(IOException.class, () -> SecretKeyStore.loadOrCreate(dataDir));
            assertTrue(e.getMessage().startsWith("cannot keep the secret key in " + dataDir + ": " + file),
                    e.getMessage());
            assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("not a directory"), e.getMessage());
        }
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void concurrentFirstStartsAgreeOnOneKey() throws Exception {
        for (int round = 0; round < 10; round++) {
            Path dir = tmp.resolve("race" + round);
            int n = 4;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                List<Future<EndpointId>> results = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Callable<EndpointId> task = () -> {
                        go.await();
                        return SecretKeyStore.loadOrCreate(dir).publicKey();
                    };
                    results.add(pool.submit(task));
                }
                go.countDown();
                Set<EndpointId> ids = new HashSet<>();
                for (Future<EndpointId> f : results) {
                    ids.add(f.get());
                }
                assertEquals(1, ids.size(), "round " + round);
                assertEquals(ids.iterator().next(), SecretKeyStore.load(dir.resolve("secret_key")).publicKey());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void parsesAnExplicitSecretInHexOrBase32() {
        SecretKey key = SecretKey.fromBytes(filled(9));
        assertEquals(key.publicKey(), SecretKeyStore.parse(Hex.encode(key.toBytes())).publicKey());
        assertEquals(key.publicKey(), SecretKeyStore.parse(" " + Base32.STANDARD.encode(key.toBytes()).toUpperCase() + "\n").publicKey());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SecretKeyStore.parse("xyz"));
        assertTrue(e.getMessage().contains("64 hex or 52 base32"));
        String notHex = "g" + "0".repeat(63);
        e = assertThrows(IllegalArgumentException.class, () -> SecretKeyStore.parse(notHex));
        assertTrue(!e.getMessage().contains(notHex), "the secret is never echoed");
        assertThrows(IllegalArgumentException.class, () -> SecretKeyStore.parse(null));
    }

    @Test
    void resolvePrefersAnExplicitSecretAndNeverWritesIt() throws Exception {
        SecretKey explicit = SecretKey.fromBytes(filled(4));
        Path dir = tmp.resolve("d");
        assertEquals(explicit.publicKey(), SecretKeyStore.resolve(Hex.encode(explicit.toBytes()), dir).publicKey());
        assertTrue(Files.notExists(dir));
        SecretKey stored = SecretKeyStore.resolve("  ", dir);
        assertEquals(stored.publicKey(), SecretKeyStore.resolve(null, dir).publicKey());
        assertTrue(!SecretKeyStore.resolve(null, null).publicKey().equals(SecretKeyStore.resolve(null, null).publicKey()));
    }

    private static byte[] filled(int v) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }
}
