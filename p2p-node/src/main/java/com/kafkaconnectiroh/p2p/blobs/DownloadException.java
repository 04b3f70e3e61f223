package com.kafkaconnectiroh.p2p.blobs;

import java.io.IOException;
import java.util.List;

/**
 * A download did not complete: every provider failed ({@link #providerFailures()} says how, one each, typed;
 * {@link #failures()} the same as lines) or the content is not what its format says (then there are none). What
 * was verified before is kept, so another attempt continues from it.
 */
public class DownloadException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient List<ProviderFailure> providerFailures;
    private final transient List<String> failures;

    /** A failure that is no provider's: the content itself, or a limit of this node. */
    public DownloadException(String message) {
        this(message, List.of());
    }

    public DownloadException(String message, List<ProviderFailure> providerFailures) {
        super(providerFailures.isEmpty() ? message : message + ": " + String.join("; ", lines(providerFailures)));
        this.providerFailures = List.copyOf(providerFailures);
        this.failures = lines(this.providerFailures);
    }

    private static List<String> lines(List<ProviderFailure> fs) {
        return fs.stream().map(ProviderFailure::line).toList();
    }

    /** One line per provider that failed, in the order they were tried: {@code <short id>: <what happened>}. */
    public List<String> failures() {
        return failures;
    }

    /** How each provider failed, in the order they were tried. */
    public List<ProviderFailure> providerFailures() {
        return providerFailures;
    }
}
