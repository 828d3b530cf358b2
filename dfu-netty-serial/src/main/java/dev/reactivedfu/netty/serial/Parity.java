package dev.reactivedfu.netty.serial;

import com.fazecast.jSerialComm.SerialPort;

/** Parity setting of a serial port. Nordic's bootloader UART uses {@link #NONE}. */
public enum Parity {
    NONE(SerialPort.NO_PARITY),
    ODD(SerialPort.ODD_PARITY),
    EVEN(SerialPort.EVEN_PARITY),
    MARK(SerialPort.MARK_PARITY),
    SPACE(SerialPort.SPACE_PARITY);

    private final int jSerialCommCode;

    Parity(int jSerialCommCode) {
        this.jSerialCommCode = jSerialCommCode;
    }

    int code() {
        return jSerialCommCode;
    }
}
