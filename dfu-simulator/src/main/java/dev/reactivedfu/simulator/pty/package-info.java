/**
 * Serving a {@link dev.reactivedfu.simulator.SimulatedDevice} on a pseudo-terminal made by socat, so that any host
 * (this project's, nrfutil, a script) can open it as a serial port; and a readable frame trace.
 */
package dev.reactivedfu.simulator.pty;
