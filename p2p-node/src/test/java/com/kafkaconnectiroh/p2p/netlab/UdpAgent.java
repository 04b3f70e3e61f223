package com.kafkaconnectiroh.p2p.netlab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * UDP sockets driven by stdin lines, run inside a lab namespace to see what a NAT does to real packets.
 *
 * <pre>
 *   bind IP:PORT [echo]     -> "bound LOCAL"  (LOCAL is IP:PORT as bound, PORT 0: any;
 *                              echo: answer every datagram with "seen FROM")
 *   send LOCAL IP:PORT TEXT -> sends TEXT from that socket
 *   every datagram received -> "recv LOCAL FROM TEXT"
 * </pre>
 *
 * Ends at stdin EOF.
 */
public final class UdpAgent {
    private static final Map<String, DatagramSocket> SOCKETS = new ConcurrentHashMap<>();
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private UdpAgent() {
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.strip().split(" ", 4);
            switch (w[0]) {
                case "bind" -> bind(parse(w[1]), w.length > 2 && w[2].equals("echo"));
                case "send" -> {
                    byte[] text = w[3].getBytes(StandardCharsets.UTF_8);
                    SOCKETS.get(w[1]).send(new DatagramPacket(text, text.length, parse(w[2])));
                }
                default -> System.err.println("udp-agent: unknown command '" + line + "'");
            }
        }
        System.exit(0);
    }

    private static void bind(InetSocketAddress addr, boolean echo) throws SocketException {
        DatagramSocket s = new DatagramSocket(addr);
        String local = addr.getAddress().getHostAddress() + ":" + s.getLocalPort();
        SOCKETS.put(local, s);
        Thread t = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                    String from = p.getAddress().getHostAddress() + ":" + p.getPort();
                    OUT.println("recv " + local + " " + from + " " + new String(buf, 0, p.getLength(), StandardCharsets.UTF_8));
                    if (echo) {
                        byte[] reply = ("seen " + from).getBytes(StandardCharsets.UTF_8);
                        s.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    }
                } catch (IOException e) {
                    System.err.println("udp-agent: socket " + local + ": " + e);
                    return;
                }
            }
        }, "udp-" + local);
        t.setDaemon(true);
        t.start();
        OUT.println("bound " + local);
    }

    private static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
