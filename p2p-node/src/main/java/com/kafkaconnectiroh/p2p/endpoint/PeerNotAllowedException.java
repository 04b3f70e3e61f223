package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointId;

/**
 * The endpoint's peer filter ({@link Endpoint.Builder#peerFilter}) does not allow this peer. A dial fails with this
 * before anything is sent; an incoming connection from such a peer is closed with {@link #CLOSE_CODE}.
 */
public final class PeerNotAllowedException extends ConnectionLostException {
    private static final long serialVersionUID = 1L;
    /** Application close code for refused peers; HTTP's "forbidden", outside the codes iroh protocols use (0..3). */
    public static final long CLOSE_CODE = 403;
    public static final String REASON = "peer not allowed";

    private final transient EndpointId peer;

    public PeerNotAllowedException(EndpointId peer) {
        super("peer " + peer + " is not allowed by this endpoint's peer filter",
                new ConnectionClose(ConnectionClose.Kind.APPLICATION_CLOSED, false, CLOSE_CODE, REASON));
        this.peer = peer;
    }

    public EndpointId peer() {
        return peer;
    }
}
