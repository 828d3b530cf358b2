/**
 * The Netty implementation of the core's {@link dev.reactivedfu.transfer.DfuTransport}:
 * {@link dev.reactivedfu.netty.transport.NettyDfuTransport} with factories for a serial port
 * ({@link dev.reactivedfu.netty.transport.SerialTransportOptions}) and for a Netty local address (an in-process
 * simulator), the pipeline it builds ({@link dev.reactivedfu.netty.transport.DfuPipeline}), reset sequences on the
 * control lines ({@link dev.reactivedfu.netty.transport.ResetSequence}) and waiting for a port to come back
 * ({@link dev.reactivedfu.netty.transport.PortSelector}).
 *
 * <p>This is the only package that hands anything to the engine, and it hands only protocol values: no
 * {@code ByteBuf} leaves it.
 */
package dev.reactivedfu.netty.transport;
