package com.kafkaconnectiroh.p2p.blobs.bao;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our encoder against a real iroh 0.35 provider: the node script {@code bao-oracle/bao-oracle.js} adds blobs to
 * an iroh 0.35 node and fetches them over a raw {@code /iroh-bytes/4} stream; every response must equal
 * {@link BaoEncoder}'s byte for byte, pass {@link BaoDecoder}, and the provider's stored outboard
 * ({@code <hash>.obao4}) must equal {@link Outboard#pairs()}. Needs the interop harness's {@code node_modules}
 * (npm alias {@code iroh035}); skipped where it is not installed.
 */
@Tag("iroh-interop")
class BaoIrohInteropTest {
    static final int[] SIZES = {
        0, 1, 1023, 1024, 1025, 16383, 16384, 16385, 32768, 32769, 100_000, 1_048_581, 3_000_000, 20_000_000,
    };

    @TempDir
    Path tmp;

    @Test
    void responsesAndStoredOutboardsMatchIroh035() throws Exception {
        Path harness = Path.of(System.getProperty("iroh.harness.dir", "src/test/resources/iroh-harness"));
        Path modules = harness.resolve("node_modules");
        // Maven installs the harness (npm) before tests; a missing install is a failure, never a skip.
        assertTrue(Files.isDirectory(modules.resolve("iroh035")), "no iroh035 in " + modules + ": run npm ci there");
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("all", "0100");
        queries.put("last", "01ffffffffffffffffff01"); // u64::MAX.., the size proof
        queries.put("c0_20", "020014");
        queries.put("c3_40", "020325");
        queries.put("c16_32", "021010");
        queries.put("mix", "03055f9601"); // {5..100, 250..}
        queries.put("c0_98", "020062");
        queries.put("c24", "0118");
        queries.put("c97_98", "026101");
        queries.put("c1000", "01e807");

        Path script = Path.of(getClass().getResource("/bao-oracle/bao-oracle.js").toURI());
        String sizes = java.util.Arrays.stream(SIZES).mapToObj(Integer::toString).collect(Collectors.joining(","));
        String qs = queries.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        ProcessBuilder pb = new ProcessBuilder("node", script.toString(), tmp.toString(), sizes, qs)
                .redirectErrorStream(true);
        pb.environment().put("NODE_PATH", modules.toAbsolutePath().toString());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "oracle script did not finish");
        assertEquals(0, p.exitValue(), log);
        String hashes = Files.readString(tmp.resolve("hashes.json"));

        int storedOutboards = 0;
        for (int n : SIZES) {
            byte[] data = new byte[n];
            for (int i = 0; i < n; i++) {
                data[i] = (byte) (i * 7 + (i >> 8) + (i >> 16));
            }
            Outboard ob = Outboard.compute(data);
            String hash = Hex.encode(ob.root());
            assertTrue(hashes.contains("\"" + n + "\":\"" + hash + "\""), "hash of size " + n + ": " + hashes);
            Path obao = tmp.resolve("store/blobs/data/" + hash + ".obao4");
            if (Files.exists(obao)) {
                assertArrayEquals(ob.pairs(), Files.readAllBytes(obao), "stored outboard, size " + n);
                storedOutboards++;
            }
            for (Map.Entry<String, String> q : queries.entrySet()) {
                ChunkRanges ranges = RangeSpec.read(new PostcardReader(Hex.decode(q.getValue()))).toChunkRanges();
                byte[] theirs = Files.readAllBytes(tmp.resolve(n + "_" + q.getKey() + ".bin"));
                assertArrayEquals(theirs, BaoEncoder.encode(data, ob, ranges), "size " + n + " query " + ranges);
                BaoDecoder.decodeAll(ob.root(), ranges, theirs);
            }
        }
        // Small outboards live inline in iroh's database; the 20 MB blob's is a file.
        assertTrue(storedOutboards >= 1, "no .obao4 file to compare");
    }
}
