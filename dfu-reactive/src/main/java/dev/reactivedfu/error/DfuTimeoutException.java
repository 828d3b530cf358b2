package dev.reactivedfu.error;

import dev.reactivedfu.protocol.OpCode;

import java.time.Duration;

/** No answer to a request within its opcode's timeout. */
public final class DfuTimeoutException extends DfuException {

    private final OpCode opCode;
    private final Duration timeout;

    public DfuTimeoutException(OpCode opCode, Duration timeout) {
        super("no answer to " + opCode + " within " + timeout.toMillis() + " ms", null);
        this.opCode = opCode;
        this.timeout = timeout;
    }

    public OpCode opCode() {
        return opCode;
    }

    public Duration timeout() {
        return timeout;
    }


    @Override
    public String advice() {
        return "check the cable and baud rate; a longer --timeout helps on slow links";
    }
}
