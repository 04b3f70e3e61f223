package com.kafkaconnectiroh.p2p.discovery.pkarr;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsMessage;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsRecord;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What iroh publishes about an endpoint: its relay URLs, direct addresses and optional user data, as TXT records
 * under {@code _iroh.<z32 id>} (IR@v1.0.2 {@code iroh-dns/src/attrs.rs}, {@code endpoint_info.rs}; IR@v0.35.0
 * {@code iroh-relay/src/node_info.rs}).
 *
 * <p>Written exactly as iroh writes it: one TXT record per value, each one character-string {@code key=value}, in
 * the order relay, addr, user-data (Rust's {@code BTreeMap} over {@code IrohAttr}), relay URLs as rust-url prints
 * them, addresses as Rust's {@code SocketAddr} prints them, TTL {@value #DEFAULT_TTL} s. Only these three keys
 * are ever written, since iroh 1.x refuses a whole record that has any other.
 *
 * <p>Read as iroh 1.x reads it: every TXT string under {@code _iroh.<z32>} must be {@code key=value} with a known
 * key, else the record is refused ({@link PkarrException}); a value is cut at a second {@code =}; every relay is
 * kept; addresses that do not parse as {@code ip:port} are skipped (0.35 skips them; 1.x may carry custom
 * transport addresses there, which we cannot use).
 */
public record IrohRecord(EndpointId id, List<RelayUrl> relayUrls, List<InetSocketAddress> ipAddrs,
                         Optional<String> userData) {
    /** The owner label of iroh's records. */
    public static final String TXT_NAME = "_iroh";
    /** iroh's {@code DEFAULT_PKARR_TTL}. */
    public static final int DEFAULT_TTL = 30;
    /** iroh's {@code UserData::MAX_LENGTH}. */
    public static final int MAX_USER_DATA = 245;

    public IrohRecord {
        Objects.requireNonNull(id, "id");
        TreeSet<RelayUrl> relays = new TreeSet<>(relayUrls);
        TreeSet<InetSocketAddress> addrs = new TreeSet<>(SocketAddrs.RUST_ORDER);
        ipAddrs.forEach(a -> addrs.add(SocketAddrs.canonical(a)));
        relayUrls = List.copyOf(relays);
        ipAddrs = List.copyOf(addrs);
        userData = Objects.requireNonNull(userData, "userData");
        userData.ifPresent(u -> {
            if (u.getBytes(StandardCharsets.UTF_8).length > MAX_USER_DATA) {
                throw new IllegalArgumentException("user data holds at most " + MAX_USER_DATA + " bytes");
            }
        });
    }

    public static IrohRecord of(EndpointAddr addr) {
        return new IrohRecord(addr.id(), new ArrayList<>(addr.relayUrls()), new ArrayList<>(addr.ipAddrs()), Optional.empty());
    }

    /** The addresses as an {@link EndpointAddr}. */
    public EndpointAddr toEndpointAddr() {
        EndpointAddr.Builder b = EndpointAddr.builder(id).ipAddrs(ipAddrs);
        relayUrls.forEach(b::relayUrl);
        return b.build();
    }

    /** The owner name {@code _iroh.<z32>} (pkarr packets carry it relative to no origin). */
    public static String ownerName(EndpointId id) {
        return TXT_NAME + "." + id.toZ32();
    }

    /** The TXT strings in iroh's order: {@code relay=…}, {@code addr=…}, {@code user-data=…}. */
    public List<String> txtStrings() {
        List<String> out = new ArrayList<>();
        relayUrls.forEach(u -> out.add("relay=" + u));
        ipAddrs.forEach(a -> out.add("addr=" + SocketAddrs.format(a)));
        userData.ifPresent(u -> out.add("user-data=" + u));
        return out;
    }

    /** The DNS packet: a reply (ID 0, QR) with one TXT answer per string, names compressed, as pkarr writes it. */
    public byte[] dnsPacket(int ttl) {
        String owner = ownerName(id);
        List<DnsRecord> answers = new ArrayList<>();
        for (String s : txtStrings()) {
            answers.add(DnsRecord.txt(owner, ttl, List.of(s)));
        }
        return new DnsMessage(0, DnsMessage.FLAG_RESPONSE, List.of(), answers, List.of(), List.of()).encode(true);
    }

    /**
     * This record, or as much of it as fits a pkarr packet (1000 bytes of DNS): addresses are dropped from the end
     * of their order (IPv6 after IPv4) until it fits.
     */
    public IrohRecord fitted(int ttl) {
        List<InetSocketAddress> addrs = new ArrayList<>(ipAddrs);
        IrohRecord r = this;
        while (r.dnsPacket(ttl).length > SignedPacket.MAX_DNS_PACKET_SIZE && !addrs.isEmpty()) {
            addrs.remove(addrs.size() - 1);
            r = new IrohRecord(id, relayUrls, addrs, userData);
        }
        return r;
    }

    /** Signs this record with {@code secret} (which must be {@link #id()}'s key) at {@code timestampMicros}. */
    public SignedPacket sign(SecretKey secret, long timestampMicros, int ttl) {
        if (!secret.publicKey().equals(id)) {
            throw new IllegalArgumentException("record of " + id.fmtShort() + " cannot be signed by " + secret.publicKey().fmtShort());
        }
        return SignedPacket.sign(secret, timestampMicros, dnsPacket(ttl));
    }

    /** The record in a verified packet: its {@code _iroh} TXT records (owner {@code _iroh.<z32>}). */
    public static IrohRecord fromSignedPacket(SignedPacket packet) throws PkarrException {
        String owner = ownerName(packet.publicKey());
        List<String> strings = new ArrayList<>();
        for (DnsRecord r : packet.dns().answers()) {
            if (r.type() == DnsRecord.TYPE_TXT && r.name().toLowerCase(Locale.ROOT).equals(owner)) {
                strings.add(String.join("", r.txtStrings()));
            }
        }
        return fromTxtStrings(packet.publicKey(), strings);
    }

    /**
     * Parses TXT strings (one per record; a multi-string record concatenated first) of {@code id}'s record.
     *
     * @throws PkarrException a string without {@code =} or with a key other than relay, addr, user-data
     */
    public static IrohRecord fromTxtStrings(EndpointId id, List<String> strings) throws PkarrException {
        List<RelayUrl> relays = new ArrayList<>();
        List<InetSocketAddress> addrs = new ArrayList<>();
        Optional<String> userData = Optional.empty();
        for (String s : strings) {
            String[] parts = s.split("=", -1);
            if (parts.length < 2) {
                throw new PkarrException("record of " + id.fmtShort() + ": expected key=value, got '" + s + "'");
            }
            String value = parts[1]; // iroh keeps the first two pieces of a split at '='
            switch (parts[0]) {
                case "relay" -> {
                    try {
                        relays.add(RelayUrl.parse(value));
                    } catch (IllegalArgumentException e) {
                        // unusable relay: skipped, as iroh drops what fails to parse
                    }
                }
                case "addr" -> {
                    try {
                        addrs.add(SocketAddrs.parse(value));
                    } catch (IllegalArgumentException e) {
                        // not ip:port (1.x may put a custom transport address here): skipped
                    }
                }
                case "user-data" -> {
                    if (userData.isEmpty() && value.getBytes(StandardCharsets.UTF_8).length <= MAX_USER_DATA) {
                        userData = Optional.of(value);
                    }
                }
                default -> throw new PkarrException("record of " + id.fmtShort() + ": unknown key '" + parts[0]
                        + "' (iroh 1.x accepts only relay, addr, user-data)");
            }
        }
        return new IrohRecord(id, relays, addrs, userData);
    }
}
