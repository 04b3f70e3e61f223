package com.kafkaconnectiroh.p2p.discovery.pkarr;

/** A signed packet or iroh record that is refused: too short or long, bad key or signature, broken DNS, foreign keys. */
public final class PkarrException extends Exception {
    public PkarrException(String message) {
        super(message);
    }
}
