package dev.reactivedfu.netty.serial;

import com.fazecast.jSerialComm.SerialPort;

/** Stop bits of a serial port. Nordic's bootloader UART uses {@link #ONE}. */
public enum StopBits {
    ONE(SerialPort.ONE_STOP_BIT),
    ONE_POINT_FIVE(SerialPort.ONE_POINT_FIVE_STOP_BITS),
    TWO(SerialPort.TWO_STOP_BITS);

    private final int jSerialCommCode;

    StopBits(int jSerialCommCode) {
        this.jSerialCommCode = jSerialCommCode;
    }

    int code() {
        return jSerialCommCode;
    }
}
