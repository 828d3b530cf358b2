package dev.reactivedfu.error;

/** A step kept failing with retryable errors until its retry budget ran out; the last failure is the cause. */
public final class RetriesExhaustedException extends DfuException {

    private final String step;
    private final long attempts;

    public RetriesExhaustedException(String step, long attempts, Throwable lastFailure) {
        super(step + " failed after " + attempts + " attempts: " + lastFailure.getMessage(), lastFailure);
        this.step = step;
        this.attempts = attempts;
    }

    public String step() {
        return step;
    }

    public long attempts() {
        return attempts;
    }


    @Override
    public String advice() {
        return getCause() instanceof DfuException d ? d.advice() : "run the same command again to resume";
    }
}
