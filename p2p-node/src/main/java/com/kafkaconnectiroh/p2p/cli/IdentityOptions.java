package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SecretKeyStore;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a command's identity (and, for commands that store things, its data) comes from: {@code --secret} or
 * the {@code IROH_SECRET} environment variable (as iroh's own tools), else {@code --data-dir}, else a fresh
 * throwaway key.
 */
public final class IdentityOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", converter = Converters.NonEmptyPathConverter.class,
            description = "Keep the secret key (and stores) here between runs; created if missing.")
    Path dataDir;

    @Option(names = "--secret", paramLabel = "HEX", defaultValue = "${env:IROH_SECRET}",
            description = "Secret key as 64 hex characters (default: $IROH_SECRET).")
    String secret;

    public Path dataDir() {
        return dataDir;
    }

    /** True when this run's identity will not survive it. */
    public boolean isEphemeral() {
        return (secret == null || secret.isBlank()) && dataDir == null;
    }

    public SecretKey secretKey() throws IOException {
        return SecretKeyStore.resolve(secret, dataDir);
    }

    /**
     * {@link #secretKey()} for a command: a malformed secret is bad usage (exit 2), an unreadable or malformed key
     * file a failure (exit 1), each reported as one line instead of a stack trace.
     */
    SecretKey secretKeyForCommand() throws CliException {
        try {
            return secretKey();
        } catch (IllegalArgumentException e) {
            throw new CliException("--secret / IROH_SECRET: " + e.getMessage(), 2, e);
        } catch (IOException e) {
            throw new CliException(e.getMessage(), 1, e);
        }
    }
}
