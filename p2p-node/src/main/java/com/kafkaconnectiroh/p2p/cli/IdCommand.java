package com.kafkaconnectiroh.p2p.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code p2p-node id}: prints this node's endpoint id (64 hex characters). */
@Command(name = "id", mixinStandardHelpOptions = true, description = "Print this node's endpoint id.")
final class IdCommand implements Callable<Integer> {
    @Mixin
    IdentityOptions identity = new IdentityOptions();

    @Override
    public Integer call() throws Exception {
        if (identity.isEphemeral()) {
            System.err.println("p2p-node: no --data-dir, --secret or IROH_SECRET: this id is new and will not be reused");
        }
        try {
            System.out.println(identity.secretKeyForCommand().publicKey());
        } catch (CliException e) {
            return e.report(System.err, "id");
        }
        return 0;
    }
}
