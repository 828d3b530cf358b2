/**
 * A simulated nRF5 SDK 17.1 secure serial bootloader (an nRF52840), wire-exact at the byte level.
 *
 * <ul>
 *   <li>{@link dev.reactivedfu.simulator.SimulatedBootloader}: the pure state machine, one decoded request packet in,
 *       response messages and flash work out, over a {@link dev.reactivedfu.simulator.Flash} model holding banks,
 *       bootloader settings and their backup.</li>
 *   <li>{@link dev.reactivedfu.simulator.SimulatedDevice}: the board around it: Nordic's SLIP input with its hazards,
 *       RX buffers, the serial line's timing, faults, resets and the inactivity timer, computed as a timeline in
 *       model time on an injectable Reactor {@code Scheduler}'s clock (virtual time can drive whole updates; real
 *       timers only deliver answers), with the host-to-device line in
 *       {@code HostLine}.</li>
 *   <li>{@link dev.reactivedfu.simulator.SimulatorTransport}: a {@link dev.reactivedfu.transfer.DfuTransport} whose
 *       connections talk to a {@code SimulatedDevice} through real bytes.</li>
 *   <li>{@link dev.reactivedfu.simulator.SimulatorConfig}: every option, immutable, with a builder.</li>
 * </ul>
 */
package dev.reactivedfu.simulator;
