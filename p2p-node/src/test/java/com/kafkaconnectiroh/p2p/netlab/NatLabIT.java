package com.kafkaconnectiroh.p2p.netlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import com.kafkaconnectiroh.p2p.blobs.ChildJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lab itself, with real packets: a UDP echo in the internet namespace tells each home's client which public
 * address and port its NAT gave it. One lab, two homes (one per NAT kind), three agent JVMs for the whole class.
 */
@Timeout(120)
class NatLabIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path LOGS = Path.of("target", "natlab-logs");
    /** Four public destinations: two addresses, two ports each. */
    private static final int[] ECHO_PORTS = {7001, 7002};

    private static NatLab lab;
    private static NatLab.Home eim;
    private static NatLab.Home eim2;
    private static NatLab.Home symmetric;
    private static Agent internet;
    private static Agent eimClient;
    private static Agent eim2Client;
    private static Agent symmetricClient;

    @BeforeAll
    static void build() throws Exception {
        lab = NatLab.create();
        eim = lab.addHome(NatLab.Nat.ENDPOINT_INDEPENDENT);
        symmetric = lab.addHome(NatLab.Nat.SYMMETRIC);
        eim2 = lab.addHome(NatLab.Nat.ENDPOINT_INDEPENDENT);
        internet = new Agent(lab, lab.internet(), "internet");
        eimClient = new Agent(lab, eim.namespace(), "eim-home");
        symmetricClient = new Agent(lab, symmetric.namespace(), "symmetric-home");
        eim2Client = new Agent(lab, eim2.namespace(), "eim2-home");
        for (int i = 1; i <= 2; i++) {
            for (int port : ECHO_PORTS) {
                internet.bind(lab.internetAddress(i).getHostAddress() + ":" + port, true);
            }
        }
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void theEchoSeesTheNatsPublicAddressNotTheHomes() throws Exception {
        String local = eimClient.bind("0.0.0.0:0", false);
        String seen = eimClient.probe(local, echo(1, 0));
        assertEquals(eim.publicAddress().getHostAddress(), host(seen), "the source address after the NAT");
        assertNotEquals(eim.lanAddress().getHostAddress(), host(seen));
    }

    @Test
    void anEndpointIndependentNatKeepsOneMappedPortForEveryDestination() throws Exception {
        String local = eimClient.bind("0.0.0.0:0", false);
        Set<Integer> ports = new HashSet<>();
        for (String echo : allEchoes()) {
            ports.add(port(eimClient.probe(local, echo)));
        }
        assertEquals(Set.of(port(local)), ports, "one mapping, the source port kept (Linux masquerade preserves free ports)");
    }

    @Test
    void aSymmetricNatMapsEveryDestinationToItsOwnPort() throws Exception {
        String local = symmetricClient.bind("0.0.0.0:0", false);
        Set<Integer> ports = new HashSet<>();
        for (String echo : allEchoes()) {
            String seen = symmetricClient.probe(local, echo);
            assertEquals(symmetric.publicAddress().getHostAddress(), host(seen));
            ports.add(port(seen));
        }
        // fully-random: four random ports out of ~64k; equal ones would be a one-in-ten-thousand coincidence.
        assertEquals(4, ports.size(), "a new mapping per destination: " + ports);
    }

    @Test
    void aHomeCannotBeReachedUnsolicitedOnlyByWhomItSentTo() throws Exception {
        String local = eimClient.bind("0.0.0.0:0", false);
        String mapped = eim.publicAddress().getHostAddress() + ":" + port(eimClient.probe(local, echo(1, 0)));

        // A stranger (another port, and another address) sends to the mapped address: conntrack has no entry for it.
        String stranger = internet.bind(lab.internetAddress(2).getHostAddress() + ":0", false);
        internet.send(stranger, mapped, "unsolicited");
        String samePeerOtherPort = internet.bind(lab.internetAddress(1).getHostAddress() + ":0", false);
        internet.send(samePeerOtherPort, mapped, "unsolicited");
        // The destination it did send to gets through: the control that the two above had a working path to fail on.
        internet.send(echo(1, 0), mapped, "solicited");
        String got = eimClient.process.expect(l -> l.startsWith("recv " + local + " ") && !l.contains(" seen "), WAIT);
        assertEquals("recv " + local + " " + echo(1, 0) + " solicited", got);
        assertNull(eimClient.process.await(l -> l.contains("unsolicited"), Duration.ofSeconds(1)),
                "filtering is address-and-port dependent: nothing from a stranger reaches the home");
    }

    /**
     * Classic hole punching, plain UDP between two homes behind endpoint-independent NATs, each knowing the other's
     * mapping from the echo (as QAD tells a node). The first datagram reaches the far NAT before that home sent
     * anything, as a NAT traversal probe does: it must die there without a trace, or its conntrack entry holds the
     * tuple the far home's own flow needs and masquerade moves that flow to another port (the lab did that once, and
     * no probe of the direct-path upgrade ever arrived).
     */
    @Test
    void twoHomesBehindEndpointIndependentNatsPunchAHoleWithPlainUdp() throws Exception {
        String a = eimClient.bind("0.0.0.0:0", false);
        String b = eim2Client.bind("0.0.0.0:0", false);
        String mappedA = eimClient.probe(a, echo(1, 0));
        String mappedB = eim2Client.probe(b, echo(1, 0));

        eimClient.send(a, mappedB, "early"); // unsolicited at B's NAT: dropped
        eimClient.probe(a, echo(1, 1)); // a round trip through the internet: the early datagram has been and gone
        eim2Client.send(b, mappedA, "punch"); // opens B's NAT towards A; A's NAT lets it in (A sent to mappedB)
        String punched = eimClient.process.expect(l -> l.startsWith("recv " + a + " ") && l.endsWith(" punch"), WAIT);
        assertEquals("recv " + a + " " + mappedB + " punch", punched, "from the mapping the echo reported for B");
        eimClient.send(a, mappedB, "through");
        String through = eim2Client.process.expect(l -> l.startsWith("recv " + b + " ") && l.endsWith(" through"), WAIT);
        assertEquals("recv " + b + " " + mappedA + " through", through);
    }

    @Test
    @Tag("iroh-interop")
    void anIrohPeerRunsInsideAHome() {
        try (IrohPeer peer = IrohPeer.start(IrohVersion.V1, PeerOption.netns(eim.namespace()), PeerOption.bind("0.0.0.0:0"),
                PeerOption.name("natlab-home-peer"))) {
            assertTrue(peer.addrs().stream().anyMatch(a -> a.startsWith(eim.lanAddress().getHostAddress() + ":")),
                    "the home's address among its own: " + peer.addrs());
        }
    }

    @Test
    void aTerminatedJvmDeletesItsLabOnTheWayOut() throws Exception {
        try (ChildJvm child = ChildJvm.start(ChildJvm.javaCommand(LabChildMain.class), LOGS.resolve("lab-child-term.log"))) {
            List<String> names = labOf(child);
            child.process.destroy(); // SIGTERM: the shutdown hook runs
            child.waitFor(WAIT);
            assertTrue(Collections.disjoint(NatLab.existingNamespaces(), names), "left: " + NatLab.existingNamespaces());
        }
    }

    @Test
    void theNextLabDeletesWhatAKilledJvmLeft() throws Exception {
        List<String> names;
        try (ChildJvm child = ChildJvm.start(ChildJvm.javaCommand(LabChildMain.class), LOGS.resolve("lab-child-kill.log"))) {
            names = labOf(child);
            child.kill(); // SIGKILL: no hook
        }
        assertTrue(NatLab.existingNamespaces().containsAll(names), "a killed JVM leaves its namespaces");
        try (NatLab next = NatLab.create()) {
            assertTrue(Collections.disjoint(NatLab.existingNamespaces(), names), "left: " + NatLab.existingNamespaces());
        }
    }

    /** The namespaces a {@link LabChildMain} built, checked to exist. */
    private static List<String> labOf(ChildJvm child) throws Exception {
        List<String> names = List.of(child.expect(l -> l.startsWith("lab "), WAIT).substring("lab ".length()).split(" "));
        assertEquals(3, names.size(), names.toString());
        assertTrue(NatLab.existingNamespaces().containsAll(names), "built: " + names);
        return names;
    }

    private static String echo(int address, int portIndex) {
        return lab.internetAddress(address).getHostAddress() + ":" + ECHO_PORTS[portIndex];
    }

    private static List<String> allEchoes() {
        return List.of(echo(1, 0), echo(1, 1), echo(2, 0), echo(2, 1));
    }

    private static String host(String hostPort) {
        return hostPort.substring(0, hostPort.lastIndexOf(':'));
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    /** A {@link UdpAgent} JVM in one namespace. */
    private static final class Agent {
        final ChildJvm process;

        Agent(NatLab lab, String namespace, String name) throws IOException {
            process = lab.start(namespace, LOGS.resolve(name + ".log"), ChildJvm.javaCommand(UdpAgent.class));
        }

        /** Binds a socket and returns its local {@code IP:PORT}, the name {@link #send} and received lines use. */
        String bind(String hostPort, boolean echo) throws InterruptedException, IOException {
            process.send("bind " + hostPort + (echo ? " echo" : ""));
            return process.expect(l -> l.startsWith("bound "), WAIT).substring("bound ".length());
        }

        void send(String local, String to, String text) throws IOException {
            process.send("send " + local + " " + to + " " + text);
        }

        /** Sends from {@code local} to an echo and returns the address the echo saw (the NAT mapping). */
        String probe(String local, String echo) throws InterruptedException, IOException {
            send(local, echo, "probe");
            String prefix = "recv " + local + " " + echo + " seen ";
            return process.expect(l -> l.startsWith(prefix), WAIT).substring(prefix.length());
        }
    }
}
