package com.kafkaconnectiroh.p2p.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code p2p-node id}: prints this node's endpoint id (64 hex characters). */
@Command(name = "id", mixinStandardHelpOptions = true, description = "Print this node's endpoint id.")
final class IdCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    IdentityOptions identity = new IdentityOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (identity.isEphemeral()) {
            err.println("p2p-node: no --data-dir, --secret or IROH_SECRET: this id is new and will not be reused");
        }
        try {
            out.println(identity.secretKeyForCommand().publicKey());
        } catch (CliException e) {
            return e.report(err, "id");
        }
        return 0;
    }
}
