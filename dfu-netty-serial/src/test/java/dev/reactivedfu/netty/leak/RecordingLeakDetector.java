package dev.reactivedfu.netty.leak;

import io.netty.util.ResourceLeakDetector;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty's leak detector (installed for this module's tests through {@code io.netty.customResourceLeakDetector})
 * that also records every leak it reports, so {@link NoLeaksExtension} can fail the test class that leaked instead
 * of leaving an ERROR line in a log nobody reads.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /** Leaks reported since the last call, and forgets them. */
    static List<String> drain() {
        List<String> leaks = new java.util.ArrayList<>();
        for (String s = LEAKS.poll(); s != null; s = LEAKS.poll()) {
            leaks.add(s);
        }
        return leaks;
    }

    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(resourceType + " leaked:" + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(resourceType + " leaked");
        super.reportUntracedLeak(resourceType);
    }
}
