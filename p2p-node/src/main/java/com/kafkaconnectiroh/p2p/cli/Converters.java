package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointAddrs;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for the option values people type: {@code 10s}, {@code 1GiB}, {@code 0.0.0.0:4433}. */
final class Converters {
    private Converters() {
    }

    private static final java.util.regex.Pattern NUMBER_UNIT =
            java.util.regex.Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z]*)\\s*");

    /**
     * {@code 500ms}, {@code 10s}, {@code 2.5s}, {@code 1m}, {@code 1h}; a bare number is seconds. More than zero:
     * every timeout and transfer time of the CLI means a real span ({@code --timeout 0} used to mean "none",
     * {@code --duration 0} "100 MiB instead"); see {@link PauseConverter} for the one option where 0 makes sense.
     */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = PauseConverter.parse(value);
            if (d.isZero()) {
                throw new TypeConversionException("must be more than 0, got '" + value + "'");
            }
            return d;
        }
    }

    /** A duration that may be zero ({@code ping --interval 0}: back to back). */
    static final class PauseConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parse(value);
        }

        static Duration parse(String value) {
            Matcher m = NUMBER_UNIT.matcher(value);
            if (!m.matches()) {
                throw new TypeConversionException("expected a duration such as 500ms, 10s or 1m, got '" + value + "'");
            }
            BigDecimal n = new BigDecimal(m.group(1));
            long nanosPerUnit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ns" -> 1L;
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "", "s" -> 1_000_000_000L;
                case "m", "min" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> throw new TypeConversionException("unknown time unit '" + m.group(2) + "' in '" + value
                        + "' (use ms, s, m or h)");
            };
            return Duration.ofNanos(wholeOrRefuse(n.multiply(BigDecimal.valueOf(nanosPerUnit)),
                    "duration '" + value + "' is too long (at most about 292 years)"));
        }
    }

    /** An ALPN protocol name: 1 to 255 bytes of UTF-8 (RFC 7301 §3.1). */
    static final class AlpnConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            int n = value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (n < 1 || n > 255) {
                throw new TypeConversionException("an ALPN is 1 to 255 bytes, got " + n + " in '" + value + "'");
            }
            return value;
        }
    }

    /**
     * A byte count: a bare number is bytes; {@code K}, {@code M}, {@code G} and {@code KiB}, {@code MiB},
     * {@code GiB} are powers of 1024; {@code KB}, {@code MB}, {@code GB} powers of 1000 (as {@code dd}).
     */
    static final class ByteSizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            Matcher m = NUMBER_UNIT.matcher(value);
            if (!m.matches()) {
                throw new TypeConversionException("expected a size such as 1048576, 100MB or 1GiB, got '" + value + "'");
            }
            long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "", "b" -> 1L;
                case "k", "kib" -> 1L << 10;
                case "m", "mib" -> 1L << 20;
                case "g", "gib" -> 1L << 30;
                case "kb" -> 1_000L;
                case "mb" -> 1_000_000L;
                case "gb" -> 1_000_000_000L;
                default -> throw new TypeConversionException("unknown size unit '" + m.group(2) + "' in '" + value
                        + "' (use KiB, MiB, GiB or KB, MB, GB)");
            };
            return wholeOrRefuse(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)),
                    "size '" + value + "' is too large (at most 2^63-1 bytes)");
        }
    }

    /** {@code n} without its fraction; refused if it does not fit a long (longValue() would silently wrap). */
    private static long wholeOrRefuse(BigDecimal n, String tooBig) {
        try {
            return n.setScale(0, java.math.RoundingMode.DOWN).longValueExact();
        } catch (ArithmeticException e) {
            throw new TypeConversionException(tooBig);
        }
    }

    /** A peer: {@code endpoint…} or {@code node…} ticket, {@code <id>@<ip:port>[,…]}, or a bare id. */
    static final class EndpointAddrConverter implements ITypeConverter<EndpointAddr> {
        @Override
        public EndpointAddr convert(String value) {
            try {
                return EndpointAddrs.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * A path that must name something: {@code ""} would be the current folder (a store and key written where the
     * command happens to run, a folder sent by accident), so it is refused as bad usage.
     */
    static final class NonEmptyPathConverter implements ITypeConverter<java.nio.file.Path> {
        @Override
        public java.nio.file.Path convert(String value) {
            if (value.isEmpty()) {
                throw new TypeConversionException("an empty path; give a file or folder name (. for the current"
                        + " folder)");
            }
            return java.nio.file.Path.of(value);
        }
    }

    /** A relay URL, {@code http://} or {@code https://}, normalized as iroh normalizes it. */
    static final class RelayUrlConverter implements ITypeConverter<com.kafkaconnectiroh.p2p.base.RelayUrl> {
        @Override
        public com.kafkaconnectiroh.p2p.base.RelayUrl convert(String value) {
            try {
                return com.kafkaconnectiroh.p2p.base.RelayUrl.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code ip:port}, IPv6 as {@code [addr]:port}; host names are not resolved. */
    static final class SocketAddrConverter implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            try {
                return SocketAddrs.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
