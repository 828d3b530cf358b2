package dev.reactivedfu.cli.render;

import dev.reactivedfu.transfer.DfuEvent;

import java.io.PrintWriter;

/**
 * Shows an update's events to a person or a program. One of three: {@link TerminalRenderer} (a live progress line on
 * a terminal), {@link PlainRenderer} (plain log lines when the output is not a terminal) and
 * {@link JsonLinesRenderer} (one JSON object per event).
 */
public interface EventRenderer {

    /** Renders one event. Called from one thread at a time, in event order. */
    void onEvent(DfuEvent event);

    /**
     * Renders the interruption of an update by the user (Ctrl-C): what was done, and how to resume.
     *
     * @param resumeHint the command that resumes
     */
    void onInterrupted(String resumeHint);

    /** Picks the renderer for the options and the output. */
    static EventRenderer choose(boolean json, boolean terminal, PrintWriter out) {
        if (json) {
            return new JsonLinesRenderer(out);
        }
        return terminal ? new TerminalRenderer(out) : new PlainRenderer(out);
    }
}
