package dev.reactivedfu.transfer;

import dev.reactivedfu.protocol.DfuInbound;
import dev.reactivedfu.protocol.DfuRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.publisher.TestPublisher;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A connection for the engine's unit tests: the test pushes the device's frames into {@link #inbound}, every request
 * is recorded in {@link #sent} when its send is subscribed (the port took the bytes), and the send then completes as
 * {@code completion} says: at once by default, later for a port that holds its bytes back.
 */
class TestConnection implements DfuConnection {

    final TestPublisher<DfuInbound> inbound = TestPublisher.createCold();
    final List<DfuRequest> sent = new ArrayList<>();
    private final LinkFacts line;
    private final Function<DfuRequest, Mono<Void>> completion;

    /** A port of unknown line whose sends complete at once. */
    TestConnection() {
        this(LinkFacts.UNKNOWN, request -> Mono.empty());
    }

    /** A port with {@code line}'s facts whose send of a request completes when {@code completion} of it does. */
    TestConnection(LinkFacts line, Function<DfuRequest, Mono<Void>> completion) {
        this.line = line;
        this.completion = completion;
    }

    @Override
    public Mono<Void> send(DfuRequest request) {
        return Mono.defer(() -> {
            sent.add(request);
            return completion.apply(request);
        });
    }

    @Override
    public LinkFacts link() {
        return line;
    }

    @Override
    public Flux<DfuInbound> inbound() {
        return inbound.flux();
    }

    @Override
    public Mono<Void> close() {
        return Mono.empty();
    }
}
