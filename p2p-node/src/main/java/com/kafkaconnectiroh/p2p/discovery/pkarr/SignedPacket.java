package com.kafkaconnectiroh.p2p.discovery.pkarr;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsException;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A pkarr signed packet, byte for byte as iroh 0.35 (pkarr 3) and iroh 1.x ({@code iroh-dns}) write it:
 * {@code public key[32] ‖ signature[64] ‖ timestamp u64 big-endian [8] ‖ DNS packet[≤1000]}. The timestamp is
 * UNIX microseconds and doubles as the BEP 44 {@code seq}; the signature is plain Ed25519 by the key over BEP 44's
 * signable for an item without salt, {@code 3:seqi<ts>e1:v<len>:<dns>} (IR@v1.0.2 {@code iroh-dns/src/pkarr.rs};
 * pkarr {@code design/base.md}).
 *
 * <p>A packet is only ever built verified: {@link #fromBytes} checks, in iroh's order, the length, the key, the
 * signature and that the DNS packet parses. Like iroh it does not judge the timestamp's age: which packet is
 * newer is {@link #moreRecentThan}'s business.
 */
public final class SignedPacket {
    public static final int MAX_DNS_PACKET_SIZE = 1000;
    public static final int HEADER_SIZE = 104;
    public static final int MAX_BYTES = HEADER_SIZE + MAX_DNS_PACKET_SIZE;
    /** What a pkarr relay carries: the packet without its key (the key is in the URL). */
    public static final int MAX_RELAY_PAYLOAD = MAX_BYTES - EndpointId.LENGTH;

    private final byte[] bytes;
    private final EndpointId key;
    private final DnsMessage dns;

    private SignedPacket(byte[] bytes, EndpointId key, DnsMessage dns) {
        this.bytes = bytes;
        this.key = key;
        this.dns = dns;
    }

    /** Signs {@code dnsPacket} (at most 1000 bytes) with {@code timestampMicros} as its time and sequence number. */
    public static SignedPacket sign(SecretKey secret, long timestampMicros, byte[] dnsPacket) {
        if (dnsPacket.length > MAX_DNS_PACKET_SIZE) {
            throw new IllegalArgumentException("a pkarr DNS packet holds at most " + MAX_DNS_PACKET_SIZE
                    + " bytes, this one has " + dnsPacket.length);
        }
        byte[] sig = secret.sign(signable(timestampMicros, dnsPacket));
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE + dnsPacket.length);
        b.put(secret.publicKey().toBytes()).put(sig).putLong(timestampMicros).put(dnsPacket);
        try {
            return fromBytes(b.array());
        } catch (PkarrException e) {
            throw new IllegalArgumentException("not a signable pkarr packet: " + e.getMessage(), e);
        }
    }

    /** Reads and verifies the full form ({@code key ‖ sig ‖ ts ‖ dns}). */
    public static SignedPacket fromBytes(byte[] bytes) throws PkarrException {
        if (bytes.length < HEADER_SIZE) {
            throw new PkarrException("signed packet of " + bytes.length + " bytes is shorter than its "
                    + HEADER_SIZE + "-byte header");
        }
        if (bytes.length > MAX_BYTES) {
            throw new PkarrException("signed packet of " + bytes.length + " bytes is over the " + MAX_BYTES + "-byte limit");
        }
        EndpointId key;
        try {
            key = EndpointId.fromBytes(Arrays.copyOf(bytes, EndpointId.LENGTH));
        } catch (IllegalArgumentException e) {
            throw new PkarrException("signed packet key: " + e.getMessage());
        }
        long ts = ByteBuffer.wrap(bytes, 96, 8).getLong();
        byte[] dnsBytes = Arrays.copyOfRange(bytes, HEADER_SIZE, bytes.length);
        if (!key.verify(signable(ts, dnsBytes), Arrays.copyOfRange(bytes, 32, 96))) {
            throw new PkarrException("signed packet of " + key.toZ32() + ": the signature does not verify");
        }
        DnsMessage dns;
        try {
            dns = DnsMessage.decode(dnsBytes);
        } catch (DnsException e) {
            throw new PkarrException("signed packet of " + key.toZ32() + ": DNS packet: " + e.getMessage());
        }
        return new SignedPacket(bytes.clone(), key, dns);
    }

    /** Reads and verifies what a pkarr relay carries for {@code key}: {@code sig ‖ ts ‖ dns}. */
    public static SignedPacket fromRelayPayload(EndpointId key, byte[] payload) throws PkarrException {
        if (payload.length > MAX_RELAY_PAYLOAD) {
            throw new PkarrException("relay payload of " + payload.length + " bytes is over the "
                    + MAX_RELAY_PAYLOAD + "-byte limit");
        }
        byte[] full = new byte[EndpointId.LENGTH + payload.length];
        System.arraycopy(key.toBytes(), 0, full, 0, EndpointId.LENGTH);
        System.arraycopy(payload, 0, full, EndpointId.LENGTH, payload.length);
        return fromBytes(full);
    }

    /** Rebuilds and verifies a packet from a BEP 44 mutable item ({@code k, sig, seq, v}; no salt). */
    public static SignedPacket fromMutableItem(byte[] k, byte[] sig, long seq, byte[] v) throws PkarrException {
        if (k.length != EndpointId.LENGTH || sig.length != 64) {
            throw new PkarrException("mutable item with a " + k.length + "-byte key and a " + sig.length
                    + "-byte signature (expected 32 and 64)");
        }
        if (v.length > MAX_DNS_PACKET_SIZE) {
            throw new PkarrException("mutable item value of " + v.length + " bytes is over the "
                    + MAX_DNS_PACKET_SIZE + "-byte limit");
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE + v.length);
        b.put(k).put(sig).putLong(seq).put(v);
        return fromBytes(b.array());
    }

    /** BEP 44's signable for an item without salt: {@code 3:seqi<seq>e1:v<len>:<v>}. */
    public static byte[] signable(long seq, byte[] v) {
        byte[] prefix = ("3:seqi" + seq + "e1:v" + v.length + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(prefix, prefix.length + v.length);
        System.arraycopy(v, 0, out, prefix.length, v.length);
        return out;
    }

    public EndpointId publicKey() {
        return key;
    }

    public byte[] signature() {
        return Arrays.copyOfRange(bytes, 32, 96);
    }

    /** UNIX microseconds; the BEP 44 sequence number. */
    public long timestampMicros() {
        return ByteBuffer.wrap(bytes, 96, 8).getLong();
    }

    /** The encoded DNS packet (the BEP 44 value). */
    public byte[] dnsBytes() {
        return Arrays.copyOfRange(bytes, HEADER_SIZE, bytes.length);
    }

    public DnsMessage dns() {
        return dns;
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The packet without its key, as a pkarr relay stores and serves it. */
    public byte[] relayPayload() {
        return Arrays.copyOfRange(bytes, EndpointId.LENGTH, bytes.length);
    }

    public int length() {
        return bytes.length;
    }

    /**
     * Whether this packet replaces {@code other}: a larger timestamp, or on equal timestamps the larger DNS bytes
     * (unsigned, lexicographic), as iroh's {@code more_recent_than}.
     */
    public boolean moreRecentThan(SignedPacket other) {
        long a = timestampMicros();
        long b = other.timestampMicros();
        if (a != b) {
            return Long.compareUnsigned(a, b) > 0;
        }
        return Arrays.compareUnsigned(bytes, HEADER_SIZE, bytes.length, other.bytes, HEADER_SIZE, other.bytes.length) > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedPacket p && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SignedPacket(" + key.toZ32() + ", ts " + timestampMicros() + "µs, " + bytes.length + " bytes, sig "
                + Hex.encode(bytes, 32, 8) + "…)";
    }
}
