package dev.reactivedfu.netty.serial;

import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;

import java.util.Map;

import static dev.reactivedfu.netty.serial.SerialChannelOption.BAUD_RATE;
import static dev.reactivedfu.netty.serial.SerialChannelOption.DATA_BITS;
import static dev.reactivedfu.netty.serial.SerialChannelOption.DTR;
import static dev.reactivedfu.netty.serial.SerialChannelOption.PARITY;
import static dev.reactivedfu.netty.serial.SerialChannelOption.READ_TIMEOUT_MILLIS;
import static dev.reactivedfu.netty.serial.SerialChannelOption.RTS;
import static dev.reactivedfu.netty.serial.SerialChannelOption.RTS_CTS_FLOW_CONTROL;
import static dev.reactivedfu.netty.serial.SerialChannelOption.STOP_BITS;

/**
 * Configuration of a {@link SerialChannel}: Netty's usual options plus the {@link SerialChannelOption}s. Values
 * set before the port opens are applied on open; values set on an open port are applied at once. Thread-safe.
 */
public final class SerialChannelConfig extends DefaultChannelConfig {

    private volatile int baudRate = 115_200;
    private volatile int dataBits = 8;
    private volatile Parity parity = Parity.NONE;
    private volatile StopBits stopBits = StopBits.ONE;
    private volatile boolean flowControl;
    private volatile boolean dtr = true;
    private volatile boolean rts = true;
    private volatile int readTimeoutMillis = 100;

    SerialChannelConfig(SerialChannel channel) {
        super(channel);
    }

    private SerialChannel serial() {
        return (SerialChannel) channel;
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), BAUD_RATE, DATA_BITS, PARITY, STOP_BITS, RTS_CTS_FLOW_CONTROL, DTR, RTS,
                READ_TIMEOUT_MILLIS);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        if (option == BAUD_RATE) {
            return (T) Integer.valueOf(baudRate);
        }
        if (option == DATA_BITS) {
            return (T) Integer.valueOf(dataBits);
        }
        if (option == PARITY) {
            return (T) parity;
        }
        if (option == STOP_BITS) {
            return (T) stopBits;
        }
        if (option == RTS_CTS_FLOW_CONTROL) {
            return (T) Boolean.valueOf(flowControl);
        }
        if (option == DTR) {
            return (T) Boolean.valueOf(dtr);
        }
        if (option == RTS) {
            return (T) Boolean.valueOf(rts);
        }
        if (option == READ_TIMEOUT_MILLIS) {
            return (T) Integer.valueOf(readTimeoutMillis);
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == BAUD_RATE) {
            setBaudRate((Integer) value);
        } else if (option == DATA_BITS) {
            setDataBits((Integer) value);
        } else if (option == PARITY) {
            setParity((Parity) value);
        } else if (option == STOP_BITS) {
            setStopBits((StopBits) value);
        } else if (option == RTS_CTS_FLOW_CONTROL) {
            setFlowControl((Boolean) value);
        } else if (option == DTR) {
            setDtr((Boolean) value);
        } else if (option == RTS) {
            setRts((Boolean) value);
        } else if (option == READ_TIMEOUT_MILLIS) {
            setReadTimeoutMillis((Integer) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    /** See {@link SerialChannelOption#BAUD_RATE}. */
    public int baudRate() {
        return baudRate;
    }

    /** See {@link SerialChannelOption#BAUD_RATE}. */
    public SerialChannelConfig setBaudRate(int baudRate) {
        if (baudRate <= 0) {
            throw new IllegalArgumentException("baud rate must be positive, was " + baudRate);
        }
        this.baudRate = baudRate;
        serial().applyLineSettings();
        return this;
    }

    /** See {@link SerialChannelOption#DATA_BITS}. */
    public int dataBits() {
        return dataBits;
    }

    /** See {@link SerialChannelOption#DATA_BITS}. */
    public SerialChannelConfig setDataBits(int dataBits) {
        if (dataBits < 5 || dataBits > 8) {
            throw new IllegalArgumentException("data bits must be 5 to 8, was " + dataBits);
        }
        this.dataBits = dataBits;
        serial().applyLineSettings();
        return this;
    }

    /** See {@link SerialChannelOption#PARITY}. */
    public Parity parity() {
        return parity;
    }

    /** See {@link SerialChannelOption#PARITY}. */
    public SerialChannelConfig setParity(Parity parity) {
        this.parity = java.util.Objects.requireNonNull(parity, "parity");
        serial().applyLineSettings();
        return this;
    }

    /** See {@link SerialChannelOption#STOP_BITS}. */
    public StopBits stopBits() {
        return stopBits;
    }

    /** See {@link SerialChannelOption#STOP_BITS}. */
    public SerialChannelConfig setStopBits(StopBits stopBits) {
        this.stopBits = java.util.Objects.requireNonNull(stopBits, "stopBits");
        serial().applyLineSettings();
        return this;
    }

    /** See {@link SerialChannelOption#RTS_CTS_FLOW_CONTROL}. */
    public boolean flowControl() {
        return flowControl;
    }

    /** See {@link SerialChannelOption#RTS_CTS_FLOW_CONTROL}. */
    public SerialChannelConfig setFlowControl(boolean flowControl) {
        this.flowControl = flowControl;
        serial().applyFlowControl();
        return this;
    }

    /** See {@link SerialChannelOption#DTR}. */
    public boolean dtr() {
        return dtr;
    }

    /** See {@link SerialChannelOption#DTR}; on an open port the line changes at once. */
    public SerialChannelConfig setDtr(boolean dtr) {
        this.dtr = dtr;
        serial().applyModemLines();
        return this;
    }

    /** See {@link SerialChannelOption#RTS}. */
    public boolean rts() {
        return rts;
    }

    /** See {@link SerialChannelOption#RTS}; on an open port the line changes at once. */
    public SerialChannelConfig setRts(boolean rts) {
        this.rts = rts;
        serial().applyModemLines();
        return this;
    }

    /** See {@link SerialChannelOption#READ_TIMEOUT_MILLIS}. */
    public int readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /** See {@link SerialChannelOption#READ_TIMEOUT_MILLIS}; takes effect when the port opens. */
    public SerialChannelConfig setReadTimeoutMillis(int readTimeoutMillis) {
        if (readTimeoutMillis <= 0) {
            throw new IllegalArgumentException("read timeout must be positive, was " + readTimeoutMillis);
        }
        this.readTimeoutMillis = readTimeoutMillis;
        return this;
    }

    @Override
    protected void autoReadCleared() {
        serial().clearReadRequest();
    }
}
