package dev.reactivedfu.transfer;

/** {@link DfuMetrics#noop()}: records nothing. */
enum NoopMetrics implements DfuMetrics {
    INSTANCE
}
