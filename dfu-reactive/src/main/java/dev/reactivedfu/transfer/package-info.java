/**
 * The transfer engine. Public: the {@link dev.reactivedfu.transfer.DfuTransport} contract that transports implement,
 * {@link dev.reactivedfu.transfer.DfuClient} (an update as a cold {@code Flux} of
 * {@link dev.reactivedfu.transfer.DfuEvent}s) and its blocking facade, {@link dev.reactivedfu.transfer.DfuOptions},
 * and the {@link dev.reactivedfu.transfer.UpdateSummary}. Inside: the one-command-in-flight exchange with per-opcode
 * timeouts, object transfer with PRN credits, the pure resume-or-restart planner, and the bootloader quirks in one
 * class.
 */
package dev.reactivedfu.transfer;
