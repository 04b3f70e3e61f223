package com.kafkaconnectiroh.p2p.discovery;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsRecord;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsResolver;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.PkarrException;
import com.kafkaconnectiroh.p2p.endpoint.AddressLookup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * iroh's DNS discovery (IR@v1.0.2 {@code iroh/src/address_lookup/dns.rs}, {@code iroh-dns/src/dns.rs}): asks
 * {@code TXT _iroh.<z32 id>.<origin>} and reads the answer's strings as an {@link IrohRecord}. Resolve only: what
 * it finds was published to a pkarr relay behind that origin's DNS server ({@code p2p-node dns-server}, or n0's).
 */
public final class DnsAddressLookup implements AddressLookup {
    /** iroh's production origin (IR@v1.0.2 {@code N0_DNS_ENDPOINT_ORIGIN_PROD}). */
    public static final String N0_ORIGIN = "dns.iroh.link";

    private final DnsResolver resolver;
    private final String origin;
    private final Executor executor;

    public DnsAddressLookup(DnsResolver resolver, String origin, Executor executor) {
        this.resolver = resolver;
        this.origin = origin.endsWith(".") ? origin.substring(0, origin.length() - 1) : origin;
        this.executor = executor;
    }

    @Override
    public String name() {
        return "dns";
    }

    /** The name asked: {@code _iroh.<z32>.<origin>}. */
    public String queryName(EndpointId id) {
        return IrohRecord.ownerName(id) + "." + origin;
    }

    @Override
    public CompletableFuture<Optional<EndpointAddr>> resolve(EndpointId id) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                List<DnsRecord> txt = resolver.lookup(queryName(id), DnsRecord.TYPE_TXT);
                if (txt.isEmpty()) {
                    return Optional.empty();
                }
                // only records owned by the name asked (as iroh 0.35; a resolver following a CNAME could add others)
                String owner = queryName(id).toLowerCase(java.util.Locale.ROOT);
                List<String> strings = new ArrayList<>();
                for (DnsRecord r : txt) {
                    if (r.name().toLowerCase(java.util.Locale.ROOT).equals(owner)) {
                        strings.add(String.join("", r.txtStrings()));
                    }
                }
                if (strings.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(IrohRecord.fromTxtStrings(id, strings).toEndpointAddr());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (PkarrException e) {
                throw new CompletionException(e);
            }
        }, executor);
    }
}
