/**
 * The station: many sockets at once. Each socket is idle until a board arrives, updates it with the engine
 * ({@link dev.reactivedfu.transfer.DfuClient#update}), records the attempt and waits for the board to leave;
 * sockets share one event loop group and one scheduler and never disturb each other. {@link dev.reactivedfu.station.Station}
 * is the entry point.
 */
package dev.reactivedfu.station;
