/**
 * DFU message handlers for the host side of a Netty pipeline, wrapping the core's
 * {@link dev.reactivedfu.protocol.DfuCodec}: {@link dev.reactivedfu.netty.codec.DfuRequestEncoder} turns a
 * {@link dev.reactivedfu.protocol.DfuRequest} into the frame bytes that the SLIP encoder then escapes, and
 * {@link dev.reactivedfu.netty.codec.DfuInboundDecoder} turns each SLIP frame into a
 * {@link dev.reactivedfu.protocol.DfuInbound}: a decoded response, or a
 * {@link dev.reactivedfu.protocol.DfuInbound.Malformed} frame (a garbled answer is reported, not thrown).
 * {@link dev.reactivedfu.netty.codec.FrameTraceHandler} logs raw frames at TRACE.
 */
package dev.reactivedfu.netty.codec;
