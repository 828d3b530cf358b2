/**
 * Implementations of the engine's {@link dev.reactivedfu.transfer.DfuMetrics} (the interface lives next to its caller,
 * so this package depends on {@code transfer} and not the other way round): {@link
 * dev.reactivedfu.metrics.MicrometerDfuMetrics} for a Micrometer registry (micrometer-core is an optional dependency:
 * only that class needs it on the class path).
 */
package dev.reactivedfu.metrics;
