/**
 * Metrics of the transfer engine: the {@link dev.reactivedfu.metrics.DfuMetrics} interface with a no-op default, and
 * {@link dev.reactivedfu.metrics.MicrometerDfuMetrics} for a Micrometer registry (micrometer-core is an optional
 * dependency: only that class needs it on the class path).
 */
package dev.reactivedfu.metrics;
