/**
 * A Netty {@link io.netty.channel.Channel} over a serial port, on jSerialComm: {@link
 * dev.reactivedfu.netty.serial.SerialChannel}, its {@link dev.reactivedfu.netty.serial.SerialChannelOption options}
 * (baud, data bits, parity, stop bits, RTS/CTS flow control, DTR and RTS levels) and
 * {@link dev.reactivedfu.netty.serial.SerialDeviceAddress address}, plus port discovery
 * ({@link dev.reactivedfu.netty.serial.SerialPorts}).
 *
 * <p>The channel is an {@code AbstractChannel} (not Netty's deprecated OIO classes, not the removed RXTX
 * transport): a dedicated thread blocks in reads and hands buffers to the event loop when the pipeline asked for a
 * read (so auto-read off stops reading), and blocking writes run on a per-port writer thread so that a port whose
 * other end stopped reading never stalls other channels of the same event loop. End of stream (a read returning
 * -1: the other end of a pseudo-terminal went away, a USB adapter was unplugged) and I/O errors close the channel
 * after firing the cause through {@code exceptionCaught}.
 *
 * <p>jSerialComm unpacks its native library under {@code java.io.tmpdir} (or {@code jSerialComm.library.path}
 * when set); that directory must allow executables.
 */
package dev.reactivedfu.netty.serial;
