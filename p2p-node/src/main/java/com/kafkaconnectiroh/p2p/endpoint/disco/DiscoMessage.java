package com.kafkaconnectiroh.p2p.endpoint.disco;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The plaintext inside a disco box: {@code type u8 ‖ version u8 (0) ‖ body} (IR@v0.35.0 {@code iroh/src/disco.rs}).
 * Decoding is as strict or as lax as iroh 0.35's: a Ping may carry extra trailing bytes, a Pong's UDP address must
 * be exactly 18 bytes, a CallMeMaybe must be a whole number of 18-byte entries, and any version but 0 is refused.
 */
public sealed interface DiscoMessage {
    int VERSION = 0;
    int TYPE_PING = 0x01;
    int TYPE_PONG = 0x02;
    int TYPE_CALL_ME_MAYBE = 0x03;

    /** The plaintext bytes. */
    byte[] encode();

    /** "Are you there?" {@code nodeKey} is the sender's own claim; iroh trusts the packet header's key instead. */
    record Ping(TransactionId txId, EndpointId nodeKey) implements DiscoMessage {
        static final int BODY_LENGTH = TransactionId.LENGTH + EndpointId.LENGTH;

        public Ping {
            if (txId == null || nodeKey == null) {
                throw new IllegalArgumentException("Ping needs a transaction id and a node key");
            }
        }

        @Override
        public byte[] encode() {
            byte[] out = new byte[2 + BODY_LENGTH];
            out[0] = TYPE_PING;
            out[1] = VERSION;
            txId.writeTo(out, 2);
            System.arraycopy(nodeKey.toBytes(), 0, out, 2 + TransactionId.LENGTH, EndpointId.LENGTH);
            return out;
        }
    }

    /** The answer to a Ping, reporting the address the Ping was seen to come from. */
    record Pong(TransactionId txId, SendAddr pingObservedAddr) implements DiscoMessage {
        public Pong {
            if (txId == null || pingObservedAddr == null) {
                throw new IllegalArgumentException("Pong needs a transaction id and an observed address");
            }
        }

        @Override
        public byte[] encode() {
            byte[] tail;
            if (pingObservedAddr instanceof SendAddr.Udp udp) {
                tail = new byte[1 + DiscoAddresses.LENGTH];
                tail[0] = 0;
                DiscoAddresses.write(udp.address(), tail, 1);
            } else {
                byte[] url = ((SendAddr.Relay) pingObservedAddr).url().toString().getBytes(StandardCharsets.UTF_8);
                tail = new byte[1 + url.length];
                tail[0] = 1;
                System.arraycopy(url, 0, tail, 1, url.length);
            }
            byte[] out = new byte[2 + TransactionId.LENGTH + tail.length];
            out[0] = TYPE_PONG;
            out[1] = VERSION;
            txId.writeTo(out, 2);
            System.arraycopy(tail, 0, out, 2 + TransactionId.LENGTH, tail.length);
            return out;
        }
    }

    /** "Here are my addresses, ping me there" — iroh 0.35 accepts it only via a relay. */
    record CallMeMaybe(List<InetSocketAddress> myNumbers) implements DiscoMessage {
        public CallMeMaybe {
            myNumbers = List.copyOf(myNumbers);
            for (InetSocketAddress a : myNumbers) {
                if (a.isUnresolved()) {
                    throw new IllegalArgumentException("CallMeMaybe addresses must be resolved, got " + a);
                }
            }
        }

        @Override
        public byte[] encode() {
            byte[] out = new byte[2 + myNumbers.size() * DiscoAddresses.LENGTH];
            out[0] = TYPE_CALL_ME_MAYBE;
            out[1] = VERSION;
            for (int i = 0; i < myNumbers.size(); i++) {
                DiscoAddresses.write(myNumbers.get(i), out, 2 + i * DiscoAddresses.LENGTH);
            }
            return out;
        }
    }

    static DiscoMessage decode(byte[] plaintext) throws DiscoException {
        return decode(plaintext, 0, plaintext.length);
    }

    static DiscoMessage decode(byte[] buf, int off, int len) throws DiscoException {
        if (len < 2) {
            throw new DiscoException("disco message too short: " + len + " bytes, need at least 2");
        }
        int type = buf[off] & 0xFF;
        int version = buf[off + 1] & 0xFF;
        if (type < TYPE_PING || type > TYPE_CALL_ME_MAYBE) {
            throw new DiscoException("unknown disco message type " + type);
        }
        if (version != VERSION) {
            throw new DiscoException("unsupported disco message version " + version + " (expected 0)");
        }
        int p = off + 2;
        int n = len - 2;
        switch (type) {
            case TYPE_PING: {
                if (n < Ping.BODY_LENGTH) {
                    throw new DiscoException("Ping body is " + n + " bytes, need " + Ping.BODY_LENGTH);
                }
                TransactionId tx = TransactionId.read(buf, p);
                byte[] key = Arrays.copyOfRange(buf, p + TransactionId.LENGTH, p + Ping.BODY_LENGTH);
                try {
                    return new Ping(tx, EndpointId.fromBytes(key));
                } catch (IllegalArgumentException e) {
                    throw new DiscoException("Ping node key is invalid: " + e.getMessage());
                }
            }
            case TYPE_PONG: {
                if (n < TransactionId.LENGTH) {
                    throw new DiscoException("Pong body is " + n + " bytes, need at least " + TransactionId.LENGTH);
                }
                TransactionId tx = TransactionId.read(buf, p);
                return new Pong(tx, decodeSendAddr(buf, p + TransactionId.LENGTH, n - TransactionId.LENGTH));
            }
            default: {
                if (n % DiscoAddresses.LENGTH != 0) {
                    throw new DiscoException("CallMeMaybe body of " + n + " bytes is not a whole number of 18-byte addresses");
                }
                List<InetSocketAddress> addrs = new ArrayList<>(n / DiscoAddresses.LENGTH);
                for (int i = 0; i < n; i += DiscoAddresses.LENGTH) {
                    addrs.add(DiscoAddresses.read(buf, p + i));
                }
                return new CallMeMaybe(addrs);
            }
        }
    }

    private static SendAddr decodeSendAddr(byte[] buf, int off, int len) throws DiscoException {
        if (len <= 2) {
            throw new DiscoException("Pong address is " + len + " bytes, too short");
        }
        switch (buf[off]) {
            case 0:
                if (len - 1 != DiscoAddresses.LENGTH) {
                    throw new DiscoException("Pong UDP address is " + (len - 1) + " bytes, expected " + DiscoAddresses.LENGTH);
                }
                return new SendAddr.Udp(DiscoAddresses.read(buf, off + 1));
            case 1:
                String text;
                try {
                    text = StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(buf, off + 1, len - 1))
                            .toString();
                } catch (CharacterCodingException e) {
                    throw new DiscoException("Pong relay URL is not UTF-8");
                }
                try {
                    return new SendAddr.Relay(RelayUrl.parse(text));
                } catch (IllegalArgumentException e) {
                    throw new DiscoException("Pong relay URL is invalid: " + e.getMessage());
                }
            default:
                throw new DiscoException("unknown Pong address type " + (buf[off] & 0xFF));
        }
    }
}
