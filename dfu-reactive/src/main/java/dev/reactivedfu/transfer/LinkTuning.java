package dev.reactivedfu.transfer;

/**
 * Adaptive flow control for one device (one update): lost writes halve the window, then the PRN interval (UART
 * bootloaders without flow control drop frames while flash is busy, DESIGN.md "Device behaviour"); every
 * {@link DfuOptions#cleanObjectsToWiden()} clean data objects double the PRN, then the window, back up to the
 * configured values. PRN 0 stays 0. Not thread-safe: used by the update's serial steps only.
 */
final class LinkTuning {

    private final int maxPrn;
    private final int maxWindow;
    private final boolean adaptive;
    private final int cleanToWiden;
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
        if (window > 1) {
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
        if (prn < maxPrn) {
            prn = Math.min(maxPrn, prn * 2);
        } else if (window < maxWindow) {
            window = Math.min(maxWindow, window * 2);
        }
    }
}
