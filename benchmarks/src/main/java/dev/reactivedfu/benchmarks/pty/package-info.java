/**
 * Benchmarks of the {@code dfu} command as a user runs it: {@code dfu flash} started through the repository's
 * {@code dfu} launcher against {@code dfu simulate} on a pseudo-terminal (socat). {@link
 * dev.reactivedfu.benchmarks.pty.StartupTime} measures launch to first byte on the wire;
 * {@link dev.reactivedfu.benchmarks.pty.PtySweep} the time of a 200 KiB update against the model limit.
 */
package dev.reactivedfu.benchmarks.pty;
