package dev.reactivedfu.transfer;

import dev.reactivedfu.archive.DfuPackage;
import reactor.core.publisher.Flux;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Updates devices: turns a {@link DfuPackage} into a cold stream of {@link DfuEvent}s that, when subscribed, sends
 * every image of the package to one device over a {@link DfuTransport} (DESIGN.md, "One update, as data flowing").
 *
 * <p>For each image: connect (ping with fresh ids until one is echoed, SET PRN, MTU GET), read the device's state
 * with SELECT and verify it by CRC, then resume or restart as {@link ResumePlanner} decides (policy in
 * {@link DfuOptions#policy()}), send the init packet and the firmware object by object with PRN credits, and
 * execute; after the final EXECUTE the device resets and the next image starts on a new connection. Line faults are
 * retried per object on the same connection, lost connections and silent devices with a new one, each within the
 * budgets of {@link DfuOptions}; every wait is bounded.
 *
 * <p>Thread-safe; one client serves any number of concurrent updates (one per device). Besides its metrics it keeps
 * what each port's link learned (the credit window, whether losses happened), keyed by the transport's name: the next
 * update on the same port starts from there, so a station's second board on a socket starts at full speed.
 */
public final class DfuClient {

    private final DfuMetrics metrics;
    // what each port's link learned (window, PRN, losses): the start of the next update on that port
    private final Map<String, LinkTuning.Learned> links = new ConcurrentHashMap<>();

    private DfuClient(DfuMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** A client that records no metrics. */
    public static DfuClient create() {
        return new DfuClient(DfuMetrics.noop());
    }

    /** A client that reports to {@code metrics} (for example a {@link dev.reactivedfu.metrics.MicrometerDfuMetrics}). */
    public static DfuClient create(DfuMetrics metrics) {
        return new DfuClient(metrics);
    }

    /** As {@link #update(DfuTransport, DfuPackage, DfuOptions)} with {@link DfuOptions#defaults()}. */
    public Flux<DfuEvent> update(DfuTransport transport, DfuPackage pkg) {
        return update(transport, pkg, DfuOptions.defaults());
    }

    /**
     * Updates the device behind {@code transport} with {@code pkg}.
     *
     * <p>Lazy and cold: nothing is opened or sent until subscribed, and each subscription runs a new update.
     * Emits the events of the update as they happen and completes after {@link DfuEvent.UpdateDone}, whose summary
     * counts the bytes sent and re-sent, the retries and the duration. Errors with a
     * {@link dev.reactivedfu.error.DfuException} after emitting {@link DfuEvent.Failed} with the same cause:
     * {@link dev.reactivedfu.error.RemoteErrorException} for the device's verdicts (a refused init packet, a hash
     * mismatch), {@link dev.reactivedfu.error.RetriesExhaustedException} when a retry budget ran out,
     * {@link dev.reactivedfu.error.DeviceUnresponsiveException} when the device stayed silent through every
     * escalation step, {@link dev.reactivedfu.error.PackageException} for an image the device cannot take.
     *
     * <p>Cancelling stops between frames (a send in progress completes; nothing further is sent) and closes the
     * connection; the device keeps its progress, and the next update resumes from what it verifiably holds.
     */
    public Flux<DfuEvent> update(DfuTransport transport, DfuPackage pkg, DfuOptions options) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(pkg, "pkg");
        Objects.requireNonNull(options, "options");
        return Flux.defer(() -> {
            String port = transport.name();
            LinkTuning link = new LinkTuning(options.flowControl(), links.get(port), metrics, port);
            return new UpdateRun(transport, pkg, options, metrics, link).events()
                    .doFinally(s -> links.put(port, link.learned()));
        });
    }
}
