package dev.reactivedfu.netty.leak;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Fails a test class when Netty's (paranoid) leak detector found a buffer that was garbage-collected without being
 * released. Registered for every test class of this module by service loading. After the class, it collects
 * garbage a few times and allocates a buffer (which makes the detector look at what the collector found).
 */
public final class NoLeaksExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        for (int i = 0; i < 4; i++) {
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // let the reference handler enqueue
            poke(PooledByteBufAllocator.DEFAULT);
            poke(UnpooledByteBufAllocator.DEFAULT);
        }
        List<String> leaks = RecordingLeakDetector.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " leaked " + leaks.size() + " buffer(s):\n"
                    + String.join("\n", leaks));
        }
    }

    private static void poke(ByteBufAllocator alloc) {
        alloc.heapBuffer(1).release();
        alloc.directBuffer(1).release();
    }
}
