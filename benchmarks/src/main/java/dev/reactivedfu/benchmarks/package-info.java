/**
 * JMH benchmarks. Scores are reported in {@code ops/us} with one operation per payload byte
 * ({@code @OperationsPerInvocation}), so a score reads directly as MB/s (10^6 bytes per second).
 */
package dev.reactivedfu.benchmarks;
