package com.kafkaconnectiroh.p2p.blobs;

import java.io.IOException;
import java.util.List;

/**
 * A download did not complete: every provider failed ({@link #failures()} says how, one line each) or the
 * content is not what its format says. What was verified before is kept, so another attempt continues from it.
 */
public class DownloadException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> failures;

    public DownloadException(String message, List<String> failures) {
        super(failures.isEmpty() ? message : message + ": " + String.join("; ", failures));
        this.failures = List.copyOf(failures);
    }

    public List<String> failures() {
        return failures;
    }
}
