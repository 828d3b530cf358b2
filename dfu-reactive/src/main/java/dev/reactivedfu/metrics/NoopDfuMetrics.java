package dev.reactivedfu.metrics;

/** The metrics that record nothing. */
final class NoopDfuMetrics implements DfuMetrics {

    static final NoopDfuMetrics INSTANCE = new NoopDfuMetrics();

    private NoopDfuMetrics() {
    }
}
