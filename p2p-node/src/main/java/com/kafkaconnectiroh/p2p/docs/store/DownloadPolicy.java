package com.kafkaconnectiroh.p2p.docs.store;

import java.util.List;
import java.util.Objects;

/**
 * Which entries' content a replica downloads (iroh-docs {@code DownloadPolicy}): everything except keys matching
 * a filter (the default, with no filters: everything), or nothing except keys matching one.
 */
public record DownloadPolicy(boolean everything, List<KeyFilter> filters) {
    public static final DownloadPolicy EVERYTHING = new DownloadPolicy(true, List.of());
    public static final DownloadPolicy NOTHING = new DownloadPolicy(false, List.of());

    public DownloadPolicy {
        filters = List.copyOf(Objects.requireNonNull(filters, "filters"));
    }

    public static DownloadPolicy everythingExcept(List<KeyFilter> filters) {
        return new DownloadPolicy(true, filters);
    }

    public static DownloadPolicy nothingExcept(List<KeyFilter> filters) {
        return new DownloadPolicy(false, filters);
    }

    /** Whether the content of an entry with this key is to be downloaded. */
    public boolean matches(byte[] key) {
        boolean any = false;
        for (KeyFilter f : filters) {
            if (f.matches(key)) {
                any = true;
                break;
            }
        }
        return everything != any;
    }

    @Override
    public String toString() {
        return (everything ? "everything-except" : "nothing-except") + filters;
    }
}
