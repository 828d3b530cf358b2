package dev.reactivedfu.benchmarks;

import dev.reactivedfu.protocol.ImageCrc;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * CRC-32 over 1 MiB of seeded random firmware, as the engine computes it to verify a device's reported offset
 * ({@link ImageCrc#upTo}). The score is MB/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Crc32Benchmark {

    private byte[] image;

    @Setup(Level.Trial)
    public void setUp() {
        image = Firmware.random();
    }

    @Benchmark
    @OperationsPerInvocation(Firmware.SIZE)
    public long crc32() {
        return ImageCrc.upTo(image, image.length);
    }
}
