/**
 * The transfer engine: the {@link dev.reactivedfu.transfer.DfuTransport} contract that transports implement, the
 * client that turns a package into a cold {@code Flux} of events, its options, and (inside) the command exchange,
 * object transfer with PRN credits and the resume-or-restart planner.
 */
package dev.reactivedfu.transfer;
