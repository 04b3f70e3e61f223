package com.kafkaconnectiroh.p2p.endpoint;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one round of QUIC address discovery: what each server that answered saw (our data socket's
 * address after any NAT), what failed and why, and the verdicts drawn from it.
 *
 * @param observed per answering target, the address it saw us at, in the order the reports came
 * @param failures per target that did not answer (timeout, untrusted certificate, ...), the reason
 * @param mapping the NAT mapping verdict for IPv4 (or IPv6 if only IPv6 servers answered)
 */
public record QadReport(Map<QadTarget, InetSocketAddress> observed, Map<QadTarget, String> failures,
                        NatMapping mapping) {

    /** Our public addresses: the first report per address family, IPv4 first (what iroh calls global_v4/v6). */
    public List<InetSocketAddress> publicAddresses() {
        InetSocketAddress v4 = null;
        InetSocketAddress v6 = null;
        for (InetSocketAddress a : observed.values()) {
            if (a.getAddress() instanceof Inet4Address) {
                v4 = v4 == null ? a : v4;
            } else {
                v6 = v6 == null ? a : v6;
            }
        }
        List<InetSocketAddress> out = new ArrayList<>(2);
        if (v4 != null) {
            out.add(v4);
        }
        if (v6 != null) {
            out.add(v6);
        }
        return out;
    }
}
