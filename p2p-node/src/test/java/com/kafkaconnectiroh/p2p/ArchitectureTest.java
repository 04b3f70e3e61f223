package com.kafkaconnectiroh.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point only downward: reads every main source file's imports and fully qualified names (comments and
 * string literals left out) and fails, naming file, line and target, where a package uses one above it.
 *
 * <p>{@link #LAYERS} and the rules after it mirror docs/ARCHITECTURE.md, section "Packages" (and "Sans-IO cores"):
 * change the two together.
 */
class ArchitectureTest {

    private static final String ROOT = "com.kafkaconnectiroh.p2p";

    /**
     * The layers from the bottom up, by top-level package (a sub-package such as {@code quic.wire} belongs to its
     * top-level package's layer). A package may use its own layer's package and every layer below; packages that
     * share a layer (the protocols on the endpoint) may not use each other.
     */
    private static final List<Set<String>> LAYERS = List.of(
            Set.of("crypto"),
            Set.of("base"),
            Set.of("tls"),
            Set.of("quic"),
            Set.of("relay"),
            Set.of("endpoint"),
            Set.of("ping", "blobs", "gossip", "qad"),
            Set.of("envelope"),
            Set.of("docs"),
            Set.of("discovery"),
            Set.of("node"),
            Set.of("cli"));

    /** Uses narrowed to some classes of a lower layer: "from -> to" (top-level packages) to the classes allowed. */
    private static final Map<String, Set<String>> ONLY_CLASSES = Map.of(
            "base -> crypto", Set.of("Ed25519")); // keys and ids need signatures, nothing else of crypto

    /**
     * Sans-IO cores: no endpoint, QUIC or TLS beneath them, and nothing of their own protocol's other packages
     * (its driver and store sit on top of the core, not under it).
     */
    private static final Set<String> SANS_IO_CORES = Set.of("gossip.proto", "docs.proto");
    private static final Set<String> NETWORK = Set.of("endpoint", "quic", "tls");

    /** Libraries only one package may import (a prefix of the import to the package, sub-packages included). */
    private static final Map<String, List<String>> LIBRARY_OWNERS = Map.of(
            "io.netty.", List.of("endpoint", "relay"), // the UDP driver; the relay's TCP/WebSocket connections
            "org.bouncycastle.", List.of("crypto"),    // Ed25519, X25519 and field arithmetic
            "org.h2.", List.of("docs.store"),          // the MVStore replica store
            "picocli.", List.of("cli"));

    private static final Pattern PACKAGE = Pattern.compile("\\bpackage\\s+([\\w.]+)\\s*;");
    /** Our own types: the lower-case segments after the root are the package, the first capitalized one the type. */
    private static final Pattern OWN_REFERENCE =
            Pattern.compile("\\bcom\\.kafkaconnectiroh\\.p2p((?:\\.[a-z_][a-z0-9_]*)+)(?:\\.([A-Z]\\w*)|\\.\\*)");
    private static final Pattern IMPORT = Pattern.compile("\\bimport\\s+(?:static\\s+)?([\\w.]+)");

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() {
        List<Path> sources = mainSources();
        assertTrue(sources.size() > 100, "found only " + sources.size() + " main sources: wrong directory?");
        List<String> violations = new ArrayList<>();
        for (Path file : sources) {
            violations.addAll(violations(file.toString(), read(file)));
        }
        assertEquals(List.of(), violations, "upward or sideways dependencies (see docs/ARCHITECTURE.md, Packages)");
    }

    @Test
    void theCheckSeesImportsAndQualifiedNamesButNotCommentsOrStrings() {
        String source = """
                package com.kafkaconnectiroh.p2p.tls;

                import com.kafkaconnectiroh.p2p.base.EndpointId;
                import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
                // import com.kafkaconnectiroh.p2p.cli.Main;
                /** {@link com.kafkaconnectiroh.p2p.node.Node} */
                class X {
                    String s = "com.kafkaconnectiroh.p2p.gossip.Gossip";
                    Object o = com.kafkaconnectiroh.p2p.quic.wire.TransportError.NO_ERROR;
                }
                """;
        assertEquals(List.of("X.java:4: tls uses com.kafkaconnectiroh.p2p.endpoint.Endpoint: endpoint is above tls",
                        "X.java:9: tls uses com.kafkaconnectiroh.p2p.quic.wire.TransportError: quic is above tls"),
                violations("X.java", source));
    }

    @Test
    void peersNarrowedUsesCoresAndLibrariesAreChecked() {
        assertEquals(List.of("G.java:2: gossip uses com.kafkaconnectiroh.p2p.blobs.Hash: gossip and blobs share a layer"),
                violations("G.java", "package com.kafkaconnectiroh.p2p.gossip;\nimport com.kafkaconnectiroh.p2p.blobs.Hash;"));
        assertEquals(List.of("B.java:2: base uses com.kafkaconnectiroh.p2p.crypto.Blake3: base may use only [Ed25519] of crypto"),
                violations("B.java", "package com.kafkaconnectiroh.p2p.base;\nimport com.kafkaconnectiroh.p2p.crypto.Blake3;\n"
                        + "import com.kafkaconnectiroh.p2p.crypto.Ed25519;"));
        assertEquals(List.of("P.java:2: gossip.proto uses com.kafkaconnectiroh.p2p.gossip.GossipTopic: "
                                + "a sans-IO core uses no network and none of its protocol's other packages",
                        "P.java:3: gossip.proto uses com.kafkaconnectiroh.p2p.endpoint.Connection: "
                                + "a sans-IO core uses no network and none of its protocol's other packages"),
                violations("P.java", "package com.kafkaconnectiroh.p2p.gossip.proto;\n"
                        + "import com.kafkaconnectiroh.p2p.gossip.GossipTopic;\n"
                        + "import com.kafkaconnectiroh.p2p.endpoint.Connection;\n"
                        + "import com.kafkaconnectiroh.p2p.gossip.proto.sub.Y;"));
        assertEquals(List.of("T.java:2: tls uses org.bouncycastle.math.ec.rfc7748.X25519: only crypto may use org.bouncycastle."),
                violations("T.java", "package com.kafkaconnectiroh.p2p.tls;\nimport org.bouncycastle.math.ec.rfc7748.X25519;"));
    }

    /** What {@code source} (the text of {@code file}) uses that the rules above forbid, one line per use. */
    static List<String> violations(String file, String source) {
        String code = codeOnly(source);
        Matcher p = PACKAGE.matcher(code);
        if (!p.find() || !p.group(1).startsWith(ROOT + ".")) {
            return List.of(file + ": no package under " + ROOT);
        }
        String from = p.group(1).substring(ROOT.length() + 1);
        List<String> out = new ArrayList<>();
        Matcher m = OWN_REFERENCE.matcher(code);
        while (m.find()) {
            String to = m.group(1).substring(1);
            String why = forbidden(from, to, m.group(2));
            if (why != null) {
                String target = ROOT + "." + to + "." + (m.group(2) == null ? "*" : m.group(2));
                out.add(file + ":" + line(code, m.start()) + ": " + from + " uses " + target + ": " + why);
            }
        }
        Matcher i = IMPORT.matcher(code);
        while (i.find()) {
            for (Map.Entry<String, List<String>> lib : LIBRARY_OWNERS.entrySet()) {
                if (i.group(1).startsWith(lib.getKey()) && lib.getValue().stream().noneMatch(o -> within(from, o))) {
                    out.add(file + ":" + line(code, i.start()) + ": " + from + " uses " + i.group(1) + ": only "
                            + String.join(" and ", lib.getValue()) + " may use " + lib.getKey());
                }
            }
        }
        return out;
    }

    /** Why package {@code from} may not use {@code type} of package {@code to}, or null if it may. */
    private static String forbidden(String from, String to, String type) {
        String fromTop = top(from);
        String toTop = top(to);
        String core = SANS_IO_CORES.contains(from) ? from : null;
        if (core != null && (NETWORK.contains(toTop) || (toTop.equals(fromTop) && !within(to, core)))) {
            return "a sans-IO core uses no network and none of its protocol's other packages";
        }
        if (fromTop.equals(toTop)) {
            return null;
        }
        int fromLayer = layer(fromTop);
        int toLayer = layer(toTop);
        if (fromLayer < 0 || toLayer < 0) {
            return "package not in the layer table: " + (fromLayer < 0 ? fromTop : toTop);
        }
        if (toLayer > fromLayer) {
            return toTop + " is above " + fromTop;
        }
        if (toLayer == fromLayer) {
            return fromTop + " and " + toTop + " share a layer";
        }
        Set<String> only = ONLY_CLASSES.get(fromTop + " -> " + toTop);
        if (only != null && (type == null || !only.contains(type))) {
            return fromTop + " may use only " + only.stream().sorted().toList() + " of " + toTop;
        }
        return null;
    }

    private static int layer(String topLevelPackage) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(topLevelPackage)) {
                return i;
            }
        }
        return -1;
    }

    private static String top(String pkg) {
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    private static boolean within(String pkg, String base) {
        return pkg.equals(base) || pkg.startsWith(base + ".");
    }

    private static int line(String text, int offset) {
        int n = 1;
        for (int k = 0; k < offset; k++) {
            if (text.charAt(k) == '\n') {
                n++;
            }
        }
        return n;
    }

    /**
     * The source with comments, string and char literals (text blocks too) blanked out, line breaks kept so that
     * offsets still give the right line.
     */
    static String codeOnly(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            String end = null;
            if (s.startsWith("//", i)) {
                end = "\n";
            } else if (s.startsWith("/*", i)) {
                end = "*/";
            } else if (s.startsWith("\"\"\"", i)) {
                end = "\"\"\"";
            } else if (c == '"' || c == '\'') {
                end = String.valueOf(c);
            }
            if (end == null) {
                b.append(c);
                i++;
                continue;
            }
            int j = i + (end.equals("\"\"\"") ? 3 : end.equals("*/") ? 2 : 1);
            while (j < s.length() && !s.startsWith(end, j)) {
                j += s.charAt(j) == '\\' && !end.equals("\n") && !end.equals("*/") ? 2 : 1;
            }
            j = Math.min(s.length(), j + (end.equals("\n") ? 0 : end.length()));
            for (int k = i; k < j; k++) {
                b.append(s.charAt(k) == '\n' ? '\n' : ' ');
            }
            i = j;
        }
        return b.toString();
    }

    private static List<Path> mainSources() {
        List<Path> out = new ArrayList<>();
        for (String dir : List.of("src/main/java", "src/main/java-vector")) {
            Path root = Path.of(dir);
            assertTrue(Files.isDirectory(root), root.toAbsolutePath() + " missing: run from the p2p-node module");
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
