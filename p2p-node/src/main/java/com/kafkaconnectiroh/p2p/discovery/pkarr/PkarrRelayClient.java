package com.kafkaconnectiroh.p2p.discovery.pkarr;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A pkarr relay over HTTP, as iroh's {@code PkarrRelayClient} uses one (IR@v1.0.2
 * {@code iroh/src/address_lookup/pkarr.rs}): {@code PUT <base>/<z32>} with the relay payload as the body (no
 * content type; any 2xx is success) and {@code GET <base>/<z32>}, whose 2xx body is verified before use (404:
 * nothing stored). iroh's default base is {@value #N0_DNS_PKARR_RELAY_PROD}. Bodies read are capped at the
 * largest valid payload, so a hostile relay costs at most that.
 */
public final class PkarrRelayClient {
    public static final String N0_DNS_PKARR_RELAY_PROD = "https://dns.iroh.link/pkarr";
    public static final String N0_DNS_PKARR_RELAY_STAGING = "https://staging-dns.iroh.link/pkarr";

    private final String base;
    private final Duration timeout;
    private final HttpClient http;

    /** @param base the relay URL without the key, e.g. {@code http://127.0.0.1:8080/pkarr} */
    public PkarrRelayClient(String base, Duration timeout) {
        URI uri = URI.create(Objects.requireNonNull(base, "base"));
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("pkarr relay URL must be http:// or https://, got '" + base + "'");
        }
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public String base() {
        return base;
    }

    private URI uri(EndpointId id) {
        return URI.create(base + "/" + id.toZ32());
    }

    /** PUTs the packet; throws unless the relay answers 2xx. */
    public void publish(SignedPacket packet) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(uri(packet.publicKey())).timeout(timeout)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(packet.relayPayload())).build();
        HttpResponse<InputStream> resp = send(req);
        try (InputStream in = resp.body()) {
            if (resp.statusCode() / 100 != 2) {
                String body = new String(in.readNBytes(200), StandardCharsets.UTF_8).strip();
                throw new IOException("pkarr relay " + base + " refused the packet: HTTP " + resp.statusCode()
                        + (body.isEmpty() ? "" : " " + body));
            }
        }
    }

    /** GETs the packet of {@code id}: empty if the relay has none (404), verified if it has one. */
    public Optional<SignedPacket> resolve(EndpointId id) throws IOException, PkarrException {
        HttpRequest req = HttpRequest.newBuilder(uri(id)).timeout(timeout).GET().build();
        HttpResponse<InputStream> resp = send(req);
        try (InputStream in = resp.body()) {
            if (resp.statusCode() == 404) {
                return Optional.empty();
            }
            if (resp.statusCode() / 100 != 2) {
                throw new IOException("pkarr relay " + base + " answered HTTP " + resp.statusCode() + " for " + id.toZ32());
            }
            byte[] body = in.readNBytes(SignedPacket.MAX_RELAY_PAYLOAD + 1);
            SignedPacket p = SignedPacket.fromRelayPayload(id, body);
            return Optional.of(p);
        }
    }

    private HttpResponse<InputStream> send(HttpRequest req) throws IOException {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("pkarr relay request interrupted");
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            // the JDK client's failures often carry no message (ConnectException wrapping ClosedChannelException)
            throw new IOException("pkarr relay " + base + " unreachable: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
        }
    }
}
