package dev.reactivedfu.transfer;

/**
 * The credit window of one link (DESIGN.md, "Credits and the window"): how many writes may be unacknowledged, and
 * which PRN interval each object uses. Adaptive as TCP's congestion window: it starts at the configured
 * {@code prn × window} writes (or at what the port learned before, {@link Learned}), doubles after each clean data
 * object until the first loss (slow start), then grows by a quarter object per clean object (additive increase), and
 * halves on a loss (multiplicative decrease), between {@link DfuOptions.FlowControl#floor()} and the ceiling; a loss at the floor drops it to one write at a time (a board with fewer
 * RX buffers than the floor assumes), from where it grows back. The PRN interval of an object is the largest divisor of its number of
 * writes that is at most half the window: a notification then lands on the object's last write and stands in for
 * the CRC request, and two notifications fit in the window so the line never waits for one. With PRN 0 configured
 * no notifications are asked until a loss, which switches them on at the floor. Not adaptive: the configured PRN and
 * {@code window × prn} writes, always. Not thread-safe: used by the update's serial steps only.
 *
 * <p>The ceiling rule ({@link #connected}): with RTS/CTS flow control ({@link LinkFacts#flowControl()}) the window is
 * limited only by what the port can buffer: {@link LinkFacts#outputBuffer()} (a serial port's output buffer, the Netty
 * channel's write-buffer high water mark) divided by a write's largest frame, never below the floor; the window
 * starts there, since the device holds the host back itself. Without flow control, or when the port does not know its
 * buffer, the ceiling is {@link DfuOptions.FlowControl#ceiling()} and the window starts at the configured
 * {@code prn × window} and grows as above.
 *
 * <p>This is where the window, the PRN interval and each loss are decided, so it is also where they are reported to
 * {@link DfuMetrics} ({@link DfuMetrics#linkWindow}, {@link DfuMetrics#linkPrn} when they change,
 * {@link DfuMetrics#lostWrites} per loss).
 */
final class LinkTuning {

    /**
     * What a link learned, kept per port by {@link DfuClient} and the start of the next update on that port.
     *
     * @param window        writes in flight at the end of the update
     * @param threshold     the slow-start threshold ({@link Integer#MAX_VALUE} before any loss)
     * @param notifications whether notifications are on (a loss switched them on after PRN 0)
     * @param losses        losses seen on this port so far
     * @param objects       data objects sent on this port so far
     */
    record Learned(int window, int threshold, boolean notifications, long losses, long objects) {
    }

    private final DfuOptions.FlowControl config;
    private final boolean fromLearned;
    private final int learnedWindow;
    private int ceiling;
    private boolean started;
    private int window;
    private int threshold;
    private boolean notifications;
    private int lastPrn;
    private long losses;
    private long objects;
    private final DfuMetrics metrics;
    private final String port;
    // what was last reported to metrics (-1: nothing yet)
    private int reportedWindow = -1;
    private int reportedPrn = -1;

    LinkTuning(DfuOptions options) {
        this(options.flowControl(), null);
    }

    /** A link starting from {@code learned}, when the port has been used before with adaptive flow control. */
    LinkTuning(DfuOptions.FlowControl config, Learned learned) {
        this(config, learned, DfuMetrics.noop(), "");
    }

    /** As {@link #LinkTuning(DfuOptions.FlowControl, Learned)}, reporting to {@code metrics} as {@code port}. */
    LinkTuning(DfuOptions.FlowControl config, Learned learned, DfuMetrics metrics, String port) {
        this.config = config;
        this.metrics = metrics;
        this.port = port;
        this.ceiling = config.ceiling();
        this.fromLearned = config.adaptive() && learned != null;
        this.learnedWindow = learned == null ? 0 : learned.window();
        int start = Math.max(1, config.prn()) * config.window();
        if (config.adaptive() && learned != null) {
            this.window = clamp(learned.window());
            this.threshold = learned.threshold();
            this.notifications = learned.notifications() || config.prn() > 0;
            this.losses = learned.losses();
            this.objects = learned.objects();
        } else {
            this.window = config.adaptive() ? clamp(start) : start;
            this.threshold = Integer.MAX_VALUE;
            this.notifications = config.prn() > 0;
        }
        this.lastPrn = config.prn();
        report();
    }

    /**
     * A connection opened on a line described by {@code line}, with writes of at most {@code writeFrameBytes} bytes
     * on the wire. With RTS/CTS flow control the device holds the host back itself, so no write is lost to a full RX
     * buffer: the ceiling becomes what the port can buffer ({@link LinkFacts#outputBuffer()} over the write's frame
     * size, at least the floor; the configured ceiling when the port does not say), and an update that did not start
     * from what the port learned before starts at that ceiling instead of growing to it. Without flow control the
     * configured window and ceiling rule.
     */
    void connected(LinkFacts line, int writeFrameBytes) {
        if (!config.adaptive()) {
            return;
        }
        if (line.flowControl()) {
            ceiling = line.outputBuffer() > 0
                    ? Math.max(config.floor(), line.outputBuffer() / Math.max(1, writeFrameBytes))
                    : config.ceiling();
            if (!started) {
                // what the port learned may lie above the configured ceiling: it was learned under this one
                window = fromLearned ? Math.max(config.floor(), Math.min(learnedWindow, ceiling)) : ceiling;
                notifications = true;
            }
        } else {
            ceiling = config.ceiling();
        }
        window = Math.min(window, ceiling);
        started = true;
        report();
    }

    /** The window's ceiling now (writes). */
    int ceiling() {
        return ceiling;
    }

    /** The PRN interval last chosen (the configured one before the first object). */
    int prn() {
        return lastPrn;
    }

    /** Writes that may be unacknowledged at once now. */
    int window() {
        return config.adaptive() ? window : config.window() * Math.max(1, config.prn());
    }

    /** The PRN interval for an object of {@code writes} writes (0: no notifications). */
    int prnFor(int writes) {
        int prn;
        if (!config.adaptive()) {
            prn = config.prn();
        } else if (!notifications) {
            prn = 0;
        } else {
            prn = largestDivisorAtMost(Math.max(1, writes), Math.max(1, window / 2));
        }
        lastPrn = prn;
        report();
        return prn;
    }

    /** Writes that may be unacknowledged at once with PRN {@code prn} ({@link Integer#MAX_VALUE} without PRN). */
    int credit(int prn) {
        if (prn <= 0) {
            return Integer.MAX_VALUE;
        }
        return Math.max(prn, window());
    }

    /** Writes were lost: halve the window (and switch notifications on after PRN 0). */
    void lost() {
        losses++;
        metrics.lostWrites(port);
        adapt();
        report();
    }

    private void adapt() {
        if (!config.adaptive()) {
            return;
        }
        if (!notifications) {
            notifications = true;
            window = config.floor();
            threshold = config.floor();
            return;
        }
        if (window <= config.floor()) {
            // a loss at the floor: the board has fewer RX buffers than the floor assumes (or answers collide with
            // writes): one write at a time, each acknowledged, then grow back to the floor
            window = 1;
            threshold = config.floor();
            return;
        }
        threshold = clamp(window / 2);
        window = threshold;
    }

    /** A data object of {@code writes} writes went through without a lost write: grow. */
    void cleanObject(int writes) {
        objects++;
        if (!config.adaptive() || !notifications) {
            return;
        }
        if (window < threshold) {
            window = clamp(Math.min(threshold, window * 2));
        } else {
            window = clamp(window + Math.max(1, writes / 4));
        }
        report();
    }

    /** Reports the window and the PRN interval to the metrics when they differ from what was reported last. */
    private void report() {
        int w = window();
        if (w != reportedWindow) {
            reportedWindow = w;
            metrics.linkWindow(port, w);
        }
        if (lastPrn != reportedPrn) {
            reportedPrn = lastPrn;
            metrics.linkPrn(port, lastPrn);
        }
    }

    /** What this link learned, for the next update on the port. */
    Learned learned() {
        return new Learned(window, threshold, notifications, losses, objects);
    }

    private int clamp(int w) {
        return Math.max(Math.min(window, config.floor()), Math.min(ceiling, w));
    }

    private static int largestDivisorAtMost(int n, int max) {
        for (int d = Math.min(n, max); d > 1; d--) {
            if (n % d == 0) {
                return d;
            }
        }
        return 1;
    }
}
