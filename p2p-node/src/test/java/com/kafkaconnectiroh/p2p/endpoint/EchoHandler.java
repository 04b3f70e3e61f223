package com.kafkaconnectiroh.p2p.endpoint;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The iroh harness's {@code echo} behaviour in Java: each bi stream is read to its end and written back; each uni
 * stream is read to its end and written back on a new uni stream. Streams are served concurrently.
 */
final class EchoHandler implements ProtocolHandler {
    static final EchoHandler INSTANCE = new EchoHandler();
    static final int LIMIT = 64 << 20;

    @Override
    public void accept(Connection conn) throws Exception {
        ExecutorService streams = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "echo-stream");
            t.setDaemon(true);
            return t;
        });
        try {
            streams.execute(() -> {
                try {
                    while (true) {
                        RecvStream in = conn.acceptUni(java.time.Duration.ZERO);
                        streams.execute(() -> {
                            try {
                                byte[] data = in.readToEnd(LIMIT);
                                SendStream out = conn.openUni();
                                out.writeAll(data);
                                out.finish();
                            } catch (IOException e) {
                                // connection gone
                            }
                        });
                    }
                } catch (IOException e) {
                    // connection closed
                }
            });
            while (true) {
                BiStream s;
                try {
                    s = conn.acceptBi(java.time.Duration.ZERO);
                } catch (IOException e) {
                    return; // connection closed
                }
                streams.execute(() -> {
                    try {
                        byte[] data = s.recv().readToEnd(LIMIT);
                        s.send().writeAll(data);
                        s.send().finish();
                    } catch (IOException e) {
                        // connection gone or stream reset
                    }
                });
            }
        } finally {
            streams.shutdownNow();
        }
    }
}
