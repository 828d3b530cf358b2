package dev.reactivedfu.transfer;

import dev.reactivedfu.error.DfuTimeoutException;
import dev.reactivedfu.error.ProtocolViolationException;
import dev.reactivedfu.error.RemoteErrorException;
import dev.reactivedfu.protocol.DfuRequest;
import dev.reactivedfu.protocol.DfuResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The device probe: protocol (0x00), hardware (0x0A) and firmware (0x0B) versions, asked once per update on one
 * connection. Older bootloaders answer 0x02 ("not supported") to these, and a probe answer that is lost or garbled is
 * not worth a retry: any such failure is taken as "not reported" ({@link BootloaderQuirks}). What the probe found is
 * checked against the package by {@link BoardCheck} before anything of the package is sent.
 */
final class DeviceProbe {

    /** Firmware images asked for: the bootloader, the SoftDevice and the application. */
    private static final int IMAGES = 3;

    private DeviceProbe() {
    }

    /**
     * Asks the three versions, one request at a time. Lazy and cold; succeeds with what the device reported (empty
     * parts for what it did not), never errors for a missing answer; errors only when the connection is lost.
     */
    static Mono<DfuEvent.DeviceInfo> probe(Exchange exchange) {
        Mono<OptionalInt> protocol = exchange.request(new DfuRequest.ProtocolVersion())
                .map(r -> OptionalInt.of(((DfuResponse.ProtocolVersion) r).version()))
                .onErrorResume(DeviceProbe::missed, e -> Mono.just(OptionalInt.empty()));
        Mono<Optional<DfuResponse.HardwareVersion>> hardware = exchange.request(new DfuRequest.HardwareVersion())
                .map(r -> Optional.of((DfuResponse.HardwareVersion) r))
                .onErrorResume(DeviceProbe::missed, e -> Mono.just(Optional.empty()));
        Mono<List<DfuResponse.FirmwareVersion>> firmwares = Flux.range(0, IMAGES)
                .concatMap(i -> exchange.request(new DfuRequest.FirmwareVersion(i))
                        .cast(DfuResponse.FirmwareVersion.class), 0)
                .takeWhile(f -> f.type() != DfuResponse.FirmwareVersion.TYPE_NONE)
                .onErrorResume(DeviceProbe::missed, e -> Flux.empty())
                .collectList();
        return protocol.flatMap(p -> hardware.flatMap(h -> firmwares.map(f -> new DfuEvent.DeviceInfo(p, h, f))));
    }

    private static boolean missed(Throwable e) {
        return e instanceof RemoteErrorException || e instanceof DfuTimeoutException
                || e instanceof ProtocolViolationException;
    }
}
