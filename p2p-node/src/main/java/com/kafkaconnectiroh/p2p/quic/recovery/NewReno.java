package com.kafkaconnectiroh.p2p.quic.recovery;

/** NewReno as RFC 9002 §7 and Appendix B describe it. */
public final class NewReno implements CongestionController {
    private int mss;
    private long window;
    private long ssthresh = Long.MAX_VALUE;
    private long recoveryStart = Long.MIN_VALUE;
    private long ackedInCa;

    public NewReno(int mss) {
        this.mss = mss;
        reset();
    }

    @Override
    public void reset() {
        window = CongestionController.initialWindow(mss);
        ssthresh = Long.MAX_VALUE;
        recoveryStart = Long.MIN_VALUE;
        ackedInCa = 0;
    }

    @Override
    public long window() {
        return window;
    }

    @Override
    public long ssthresh() {
        return ssthresh;
    }

    @Override
    public void onAck(long now, long sentTime, int bytes, RttEstimator rtt, boolean appLimited) {
        if (appLimited || sentTime <= recoveryStart) {
            return;
        }
        if (window < ssthresh) {
            window += bytes;
            return;
        }
        ackedInCa += bytes;
        if (ackedInCa >= window) {
            ackedInCa -= window;
            window += mss;
        }
    }

    @Override
    public void onCongestionEvent(long now, long sentTime, boolean persistentCongestion) {
        if (sentTime > recoveryStart) {
            recoveryStart = now;
            window = Math.max(window / 2, CongestionController.minimumWindow(mss));
            ssthresh = window;
            ackedInCa = 0;
        }
        if (persistentCongestion) {
            window = CongestionController.minimumWindow(mss);
        }
    }

    @Override
    public void onMtuChange(int maxDatagramSize) {
        mss = maxDatagramSize;
        window = Math.max(window, CongestionController.minimumWindow(mss));
    }
}
