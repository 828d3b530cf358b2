package dev.reactivedfu.netty.transport;

import dev.reactivedfu.netty.serial.Parity;
import dev.reactivedfu.netty.serial.SerialChannelOption;
import dev.reactivedfu.netty.serial.StopBits;
import io.netty.bootstrap.Bootstrap;

import java.util.Objects;

/**
 * Line settings of a serial port. Nordic's UART bootloader speaks 8N1, at 115200 baud by default and up to
 * 1000000, with RTS/CTS flow control built in; a USB CDC port ignores the baud rate.
 *
 * @param baudRate    bits per second
 * @param dataBits    5 to 8
 * @param parity      parity
 * @param stopBits    stop bits
 * @param flowControl RTS/CTS hardware flow control
 * @param dtr         DTR level while the port is open ({@code true} asserts it)
 * @param rts         RTS level while the port is open, without flow control
 */
public record SerialSettings(int baudRate, int dataBits, Parity parity, StopBits stopBits, boolean flowControl,
                             boolean dtr, boolean rts) {

    public SerialSettings {
        if (baudRate <= 0) {
            throw new IllegalArgumentException("baud rate must be positive, was " + baudRate);
        }
        if (dataBits < 5 || dataBits > 8) {
            throw new IllegalArgumentException("data bits must be 5 to 8, was " + dataBits);
        }
        Objects.requireNonNull(parity, "parity");
        Objects.requireNonNull(stopBits, "stopBits");
    }

    /** 115200 baud, 8N1, no flow control, DTR and RTS asserted. */
    public static SerialSettings defaults() {
        return new SerialSettings(115_200, 8, Parity.NONE, StopBits.ONE, false, true, true);
    }

    /** These settings at {@code baudRate}. */
    public SerialSettings withBaudRate(int baudRate) {
        return new SerialSettings(baudRate, dataBits, parity, stopBits, flowControl, dtr, rts);
    }

    /** These settings with RTS/CTS flow control on or off. */
    public SerialSettings withFlowControl(boolean flowControl) {
        return new SerialSettings(baudRate, dataBits, parity, stopBits, flowControl, dtr, rts);
    }

    /** These settings with the given DTR and RTS levels. */
    public SerialSettings withLines(boolean dtr, boolean rts) {
        return new SerialSettings(baudRate, dataBits, parity, stopBits, flowControl, dtr, rts);
    }

    /** Sets these settings as options of a bootstrap for a serial channel. */
    void applyTo(Bootstrap bootstrap) {
        bootstrap.option(SerialChannelOption.BAUD_RATE, baudRate)
                .option(SerialChannelOption.DATA_BITS, dataBits)
                .option(SerialChannelOption.PARITY, parity)
                .option(SerialChannelOption.STOP_BITS, stopBits)
                .option(SerialChannelOption.RTS_CTS_FLOW_CONTROL, flowControl)
                .option(SerialChannelOption.DTR, dtr)
                .option(SerialChannelOption.RTS, rts);
    }
}
