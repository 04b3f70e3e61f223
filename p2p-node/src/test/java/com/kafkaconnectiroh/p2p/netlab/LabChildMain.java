package com.kafkaconnectiroh.p2p.netlab;

import java.io.IOException;

/**
 * A JVM that builds a lab with one home, prints {@code lab <internet> <nat> <home>} and waits on stdin: for tests of
 * what happens to the namespaces when such a JVM is terminated or killed.
 */
public final class LabChildMain {
    private LabChildMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        NatLab lab = NatLab.create();
        NatLab.Home home = lab.addHome(NatLab.Nat.ENDPOINT_INDEPENDENT);
        System.out.println("lab " + lab.internet() + " " + home.natNamespace() + " " + home.namespace());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until EOF, SIGTERM or SIGKILL
        }
        lab.close();
    }
}
