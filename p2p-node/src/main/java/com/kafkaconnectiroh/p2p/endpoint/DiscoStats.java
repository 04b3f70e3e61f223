package com.kafkaconnectiroh.p2p.endpoint;

/**
 * Counters of the iroh 0.35 disco traffic an endpoint saw (see {@code docs/endpoint.md}, "0.35 compatibility").
 *
 * @param pingsIn        authenticated Pings received (each was answered with a Pong)
 * @param pongsIn        Pongs received for our dial Pings
 * @param pingsOut       Pings we sent while dialing
 * @param initialResends Initials resent at once because a Pong showed the path had just opened
 * @param rateLimited    disco datagrams dropped by the per-source or new-key budgets
 * @param invalid        disco-looking datagrams that did not authenticate or decode
 */
public record DiscoStats(long pingsIn, long pongsIn, long pingsOut, long initialResends, long rateLimited,
                         long invalid) {
}
