package dev.reactivedfu.transfer;

import dev.reactivedfu.error.DeviceUnresponsiveException;
import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.error.RemoteErrorException;
import dev.reactivedfu.error.TransportClosedException;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import dev.reactivedfu.protocol.Mtu;
import dev.reactivedfu.protocol.OpCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The start of a connection and the silent-device ladder (DESIGN.md, "Resume or restart", last paragraph): pings
 * with fresh ids until one is echoed with its own id (a device left mid-frame swallows the first request, a late
 * answer from an earlier connection is never taken for a fresh one), then MTU GET. A device that stays
 * silent is escalated: a reset through DTR/RTS where the transport is wired for it, then waiting out the
 * bootloader's inactivity timer (once per stretch without progress: {@link ProgressWatch#grantInactivityWait}), then a
 * typed error naming what was tried. After an image's final EXECUTE the device reboots: pings until it is back, at
 * most until the image's reboot deadline.
 */
final class Handshake {

    private static final Logger log = LoggerFactory.getLogger(Handshake.class);
    /** Longest pause between pings while waiting for a device to come back after a reset. */
    private static final Duration MAX_REBOOT_PING_PAUSE = Duration.ofMillis(500);

    private final Exchange exchange;
    private final DfuOptions options;
    private final Scheduler scheduler;
    private final String port;
    private final IntSupplier pingIds;
    private final ProgressWatch progress;

    Handshake(Exchange exchange, DfuOptions options, IntSupplier pingIds, ProgressWatch progress) {
        this.exchange = exchange;
        this.options = options;
        this.scheduler = exchange.scheduler();
        this.port = exchange.port();
        this.pingIds = pingIds;
        this.progress = progress;
    }

    /**
     * Connects. Lazy and cold. Emits {@link DfuEvent.DeviceSilent} before each escalation step and ends with
     * {@link DfuEvent.Connected} (its write size is the one the MTU allows). Errors with
     * {@link DeviceUnresponsiveException} when the device stays silent,
     * {@link dev.reactivedfu.error.DeviceClaimException} for an impossible MTU.
     */
    Flux<DfuEvent> connect(ImageState state, int attempt, LinkTuning link) {
        Flux<DfuEvent> alive = Flux.defer(() -> state.awaitingReboot
                ? pingUntilRebooted(state).thenMany(Flux.<DfuEvent>empty()) : pingEscalating());
        // no SET PRN here: every object sets the interval it needs before its first write (Exchange#ensurePrn)
        return alive.concatWith(Mono.<Void>fromRunnable(() -> state.awaitingReboot = false)
                .then(exchange.request(new DfuRequest.MtuGet())
                        .map(r -> ((DfuResponse.Mtu) r).mtu())
                        .onErrorResume(RemoteErrorException.class, e -> BootloaderQuirks.isMtuUnsupported(e)
                                ? Mono.just(BootloaderQuirks.FALLBACK_MTU) : Mono.error(e)))
                .map(mtu -> {
                    DeviceClaims.checkMtu(port, mtu);
                    int max = Mtu.maxWritePayload(mtu);
                    int chunk = Math.min(max, options.chunkSize().orElse(max));
                    // a write's largest frame: opcode, every data byte escaped, END
                    link.connected(exchange.line(), 2 + 2 * chunk);
                    log.debug("{}: connected (attempt {}), MTU {}, {} bytes per write", port, attempt, mtu, chunk);
                    return new DfuEvent.Connected(port, attempt, mtu, chunk, link.prn(), link.window());
                }));
    }

    /** Pings with fresh ids until one is echoed; {@code true} when one was. */
    Mono<Boolean> pingRound() {
        return Flux.range(0, options.silentDevice().pingAttempts())
                .concatMap(i -> pause(i, options.retries().backoffMax())
                        .then(Mono.defer(() -> exchange.ping(pingIds.getAsInt()))), 0)
                .takeUntil(answered -> answered)
                .last(Boolean.FALSE);
    }

    private Mono<Void> pause(int i, Duration max) {
        Duration d = i == 0 ? Duration.ZERO : Backoff.delay(options.silentDevice().pingBackoff(), max, i);
        return d.isZero() ? Mono.empty() : Mono.delay(d, scheduler).then();
    }

    /** Pings, reset lines, the inactivity timer, then a typed error; each step announced first. */
    private Flux<DfuEvent> pingEscalating() {
        DfuOptions.SilentDevice silent = options.silentDevice();
        List<String> tried = new ArrayList<>();
        tried.add(silent.pingAttempts() + " pings");
        Flux<DfuEvent> waitOut = Flux.defer(() -> {
            Duration wait = silent.inactivityWait();
            if (wait.isZero()) {
                return unresponsive(tried);
            }
            if (!progress.grantInactivityWait(wait)) {
                // waited once already since the last verified progress: the device recovered and failed again
                tried.add("no second wait for the inactivity timer without progress in between");
                return unresponsive(tried);
            }
            log.info("{}: no answer to pings; waiting {} s for the bootloader's inactivity timer", port,
                    wait.toSeconds());
            tried.add("waiting " + wait.toSeconds() + " s for the inactivity timer and " + silent.pingAttempts()
                    + " pings");
            return Flux.concat(
                    Mono.just(new DfuEvent.DeviceSilent(port, "waiting for the bootloader's inactivity timer", wait)),
                    Mono.delay(wait, scheduler).then(pingRound())
                            .flatMapMany(ok -> ok ? Flux.empty() : unresponsive(tried)));
        });
        Flux<DfuEvent> pulse = exchange.pulseReset()
                .timeout(options.timeouts().open(), scheduler)
                .onErrorMap(java.util.concurrent.TimeoutException.class, e -> new TransportClosedException(port,
                        "pulsing the reset lines took longer than " + options.timeouts().open().toMillis() + " ms",
                        e))
                .thenReturn(Boolean.TRUE)
                .onErrorResume(UnsupportedOperationException.class, e -> Mono.just(Boolean.FALSE))
                .flatMapMany(pulsed -> {
                    if (!pulsed) {
                        return waitOut;
                    }
                    log.info("{}: no answer to pings; pulsed the reset lines", port);
                    tried.add("a DTR/RTS reset and " + silent.pingAttempts() + " pings");
                    return Flux.concat(
                            Mono.just(new DfuEvent.DeviceSilent(port, "pulsed the reset lines", Duration.ZERO)),
                            pingRound().flatMapMany(ok -> ok ? Flux.empty() : waitOut));
                });
        return pingRound().flatMapMany(ok -> ok ? Flux.empty() : pulse);
    }

    private Flux<DfuEvent> unresponsive(List<String> tried) {
        return Flux.error(new DeviceUnresponsiveException(port, String.join(", ", tried),
                new DfuTimeoutException(OpCode.PING, options.timeout(OpCode.PING))));
    }

    /** After an image's final EXECUTE: ping until the device is back, at most until the reboot deadline. */
    private Mono<Void> pingUntilRebooted(ImageState state) {
        return Flux.range(0, Integer.MAX_VALUE)
                .concatMap(i -> pause(i, MAX_REBOOT_PING_PAUSE)
                        .then(Mono.defer(() -> exchange.ping(pingIds.getAsInt()))), 0)
                .takeUntil(answered -> answered || scheduler.now(TimeUnit.MILLISECONDS) >= state.rebootDeadline)
                .last(Boolean.FALSE)
                .flatMap(ok -> ok ? Mono.<Void>empty() : Mono.error(new DeviceUnresponsiveException(port,
                        "pinging for " + options.timeouts().reboot().toSeconds()
                                + " s after the previous image's final EXECUTE",
                        new DfuTimeoutException(OpCode.PING, options.timeout(OpCode.PING)))));
    }
}
