package dev.reactivedfu.netty.transport;

import dev.reactivedfu.netty.codec.DfuInboundDecoder;
import dev.reactivedfu.netty.codec.DfuRequestEncoder;
import dev.reactivedfu.netty.codec.FrameTraceHandler;
import dev.reactivedfu.netty.slip.SlipFrameDecoder;
import dev.reactivedfu.netty.slip.SlipFrameEncoder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;

/**
 * Names and order of the handlers in a DFU connection's pipeline. Inbound flows down, outbound up:
 * <pre>
 *            port (SerialChannel, or LocalChannel to a simulator)
 *   raw bytes   │                                   ▲  escaped frame + END
 *         {@link #SLIP_DECODER}                      {@link #SLIP_ENCODER}
 *   one frame   │                                   ▲  one message
 *         {@link #FRAME_TRACE}  (TRACE log of frames in both directions)
 *         {@link #DFU_DECODER}                       {@link #DFU_ENCODER}
 *   DfuInbound  │                                   ▲  DfuRequest
 *         {@link #INBOUND_BRIDGE}  ──▶ Flux&lt;DfuInbound&gt;    DfuConnection.send(DfuRequest) ──┘
 * </pre>
 */
public final class DfuPipeline {

    /** {@link SlipFrameDecoder}: raw bytes to frames; drops and counts bad frames. */
    public static final String SLIP_DECODER = "slipDecoder";
    /** {@link SlipFrameEncoder}: one message to one escaped frame ending with END. */
    public static final String SLIP_ENCODER = "slipEncoder";
    /** {@link FrameTraceHandler}: frame hex dumps at TRACE on logger {@value FrameTraceHandler#LOGGER}. */
    public static final String FRAME_TRACE = "frameTrace";
    /** {@link DfuInboundDecoder}: frame to {@code DfuInbound} (a response or a malformed frame). */
    public static final String DFU_DECODER = "dfuDecoder";
    /** {@link DfuRequestEncoder}: {@code DfuRequest} to one message. */
    public static final String DFU_ENCODER = "dfuEncoder";
    /** The connection's bridge to Reactor: delivers {@code DfuInbound} to the single subscriber, paced by demand. */
    public static final String INBOUND_BRIDGE = "inboundBridge";

    private DfuPipeline() {
    }

    /** Adds the codec handlers, then {@code bridge} last, in the order drawn above. */
    public static void install(ChannelPipeline pipeline, int maxFrameLength, ChannelHandler bridge) {
        pipeline.addLast(SLIP_DECODER, new SlipFrameDecoder(maxFrameLength));
        pipeline.addLast(SLIP_ENCODER, SlipFrameEncoder.INSTANCE);
        pipeline.addLast(FRAME_TRACE, FrameTraceHandler.INSTANCE);
        pipeline.addLast(DFU_DECODER, DfuInboundDecoder.INSTANCE);
        pipeline.addLast(DFU_ENCODER, DfuRequestEncoder.INSTANCE);
        pipeline.addLast(INBOUND_BRIDGE, bridge);
    }
}
