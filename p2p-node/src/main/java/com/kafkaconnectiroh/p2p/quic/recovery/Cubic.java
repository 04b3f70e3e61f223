package com.kafkaconnectiroh.p2p.quic.recovery;

/**
 * CUBIC (RFC 9438) over RFC 9002's loss recovery: slow start, then a cubic window growth around the window at
 * the last congestion event ({@code wMax}), never slower than the Reno-friendly estimate (§4.3), with fast
 * convergence (§4.7). Window arithmetic is in bytes; the cubic's time constant works in segments.
 */
public final class Cubic implements CongestionController {
    private static final double C = 0.4;
    private static final double BETA = 0.7;
    private static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    private int mss;
    private double window;
    private long ssthresh;
    private long recoveryStart;
    private double wMax;
    private double k; // seconds
    private long epochStart; // first ACK after the last reduction, or MIN when not in an epoch
    private double wEst;
    private double cwndPrior;

    public Cubic(int mss) {
        this.mss = mss;
        reset();
    }

    @Override
    public void reset() {
        window = CongestionController.initialWindow(mss);
        ssthresh = Long.MAX_VALUE;
        recoveryStart = Long.MIN_VALUE;
        wMax = 0;
        k = 0;
        epochStart = Long.MIN_VALUE;
        wEst = 0;
        cwndPrior = 0;
    }

    @Override
    public long window() {
        return (long) window;
    }

    @Override
    public long ssthresh() {
        return ssthresh;
    }

    @Override
    public void onAck(long now, long sentTime, int bytes, RttEstimator rtt, boolean appLimited) {
        if (sentTime <= recoveryStart || appLimited) {
            return;
        }
        if (window < ssthresh) {
            window += bytes;
            return;
        }
        if (epochStart == Long.MIN_VALUE) {
            epochStart = now;
            if (wMax <= window) {
                // no reduction remembered (e.g. left slow start by ssthresh): start the cubic at the current window
                wMax = window;
                k = 0;
            }
            wEst = window;
        }
        double t = (now - epochStart) / 1e9;
        double rttSec = rtt.smoothed() / 1e9;
        // Reno-friendly estimate, RFC 9438 §4.3
        wEst += ALPHA * bytes / window * mss;
        double target = wCubic(t + rttSec);
        if (wCubic(t) < wEst) {
            window = Math.max(window, wEst);
            return;
        }
        // RFC 9438 §4.4/4.5: grow towards W_cubic(t + RTT), capped at 1.5x per RTT
        target = Math.min(target, 1.5 * window);
        if (target > window) {
            window += (target - window) / window * bytes;
        }
    }

    private double wCubic(double t) {
        double d = t - k;
        return C * d * d * d * mss + wMax;
    }

    @Override
    public void onCongestionEvent(long now, long sentTime, boolean persistentCongestion) {
        if (sentTime > recoveryStart) {
            recoveryStart = now;
            cwndPrior = window;
            // fast convergence, RFC 9438 §4.7
            if (window < wMax) {
                wMax = window * (1 + BETA) / 2;
            } else {
                wMax = window;
            }
            window = Math.max(window * BETA, CongestionController.minimumWindow(mss));
            ssthresh = (long) window;
            k = Math.cbrt(wMax / mss * (1 - BETA) / C);
            epochStart = Long.MIN_VALUE;
        }
        if (persistentCongestion) {
            window = CongestionController.minimumWindow(mss);
            wMax = 0;
            k = 0;
            epochStart = Long.MIN_VALUE;
        }
    }

    @Override
    public void onMtuChange(int maxDatagramSize) {
        mss = maxDatagramSize;
        window = Math.max(window, CongestionController.minimumWindow(mss));
    }

    /** The window before the last reduction, for stats and tests. */
    public double windowBeforeLastReduction() {
        return cwndPrior;
    }
}
