package dev.reactivedfu.transfer;

/**
 * Adaptive flow control for one device (one update): lost writes halve the window, then the PRN interval (UART
 * bootloaders without flow control drop frames while flash is busy, DESIGN.md "Device behaviour"); every
 * {@link DfuOptions#cleanObjectsToWiden()} clean data objects double the PRN, then the window, back up to the
 * configured values. With PRN 0 configured (no notifications, nothing holds the host back but the port) a loss
 * switches notifications on at {@link DfuOptions#DEFAULT_PRN} with window 1; clean objects double that PRN and,
 * past {@value #PRN_OFF_AGAIN}, switch notifications off again. A loss soon after widening (before the next widening
 * was due) doubles the number of clean objects the next widening waits for, up to {@value #MAX_CLEAN_TO_WIDEN}, so a
 * link that cannot take more stops being probed every few objects. Not thread-safe: used by the update's serial
 * steps only.
 */
final class LinkTuning {

    /** With PRN 0 configured, the interval past which notifications go off again. */
    static final int PRN_OFF_AGAIN = 16;
    /** Most clean objects a widening waits for. */
    static final int MAX_CLEAN_TO_WIDEN = 64;

    private final int maxPrn;
    private final int maxWindow;
    private final boolean adaptive;
    private int cleanToWiden;
    private boolean widenedRecently;
    private int prn;
    private int window;
    private int clean;

    LinkTuning(DfuOptions options) {
        this.maxPrn = options.prn();
        this.maxWindow = options.window();
        this.adaptive = options.adaptive();
        this.cleanToWiden = options.cleanObjectsToWiden();
        this.prn = maxPrn;
        this.window = maxWindow;
    }

    int prn() {
        return prn;
    }

    int window() {
        return window;
    }

    /** Writes were lost: narrow. */
    void lost() {
        clean = 0;
        if (!adaptive) {
            return;
        }
        if (widenedRecently) {
            cleanToWiden = Math.min(MAX_CLEAN_TO_WIDEN, cleanToWiden * 2);
            widenedRecently = false;
        }
        if (prn == 0) {
            prn = DfuOptions.DEFAULT_PRN;
            window = 1;
        } else if (window > 1) {
            window = Math.max(1, window / 2);
        } else if (prn > 1) {
            prn = Math.max(1, prn / 2);
        }
    }

    /** A data object went through without a lost write: widen after enough of them. */
    void cleanObject() {
        if (!adaptive || ++clean < cleanToWiden) {
            return;
        }
        clean = 0;
        int before = prn * 100_000 + window;
        if (maxPrn == 0) {
            if (prn != 0) {
                prn = prn * 2 > PRN_OFF_AGAIN ? 0 : prn * 2;
                window = prn == 0 ? maxWindow : window;
            }
        } else if (prn < maxPrn) {
            prn = Math.min(maxPrn, prn * 2);
        } else if (window < maxWindow) {
            window = Math.min(maxWindow, window * 2);
        }
        widenedRecently = prn * 100_000 + window != before;
    }
}
