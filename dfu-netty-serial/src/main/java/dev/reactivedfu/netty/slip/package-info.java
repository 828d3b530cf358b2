/**
 * SLIP framing (RFC 1055 as Nordic's serial DFU uses it) for Netty pipelines.
 *
 * <p>END {@code 0xC0} closes a frame; ESC {@code 0xDB} introduces {@code DB DC} (a data {@code 0xC0}) and
 * {@code DB DD} (a data {@code 0xDB}). {@link dev.reactivedfu.netty.slip.SlipFrameEncoder} escapes one message and
 * appends one END, never sending an empty frame or a leading END (Nordic's decoder runs the previous request
 * again on an empty frame). {@link dev.reactivedfu.netty.slip.SlipFrameDecoder} turns a byte stream back into
 * frames, ignores empty ones, and drops (and counts) oversized frames and frames with a bad escape, resynchronising
 * on the next END.
 */
package dev.reactivedfu.netty.slip;
