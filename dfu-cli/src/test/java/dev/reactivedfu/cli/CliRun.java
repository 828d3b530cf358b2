package dev.reactivedfu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * One in-process run of a command line, with what it printed: the way the CLI tests run {@code dfu}.
 *
 * @param exit the exit code
 * @param out  everything printed on stdout
 * @param err  everything printed on stderr
 */
record CliRun(int exit, String out, String err) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs {@code dfu ARGS} as the jar's main does, without exiting. */
    static CliRun dfu(String... args) {
        return run(DfuCli.commandLine(), args);
    }

    /** Runs {@code args} on {@code cl}, capturing its output. */
    static CliRun run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** Stdout as one JSON document. */
    JsonNode json() {
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new AssertionError("stdout is not JSON: " + out, e);
        }
    }

    /** The JSON lines of stdout (the events of a {@code --json} update), other lines skipped. */
    List<JsonNode> events() {
        List<JsonNode> events = new ArrayList<>();
        for (String line : out.split("\\R")) {
            if (line.startsWith("{")) {
                try {
                    events.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not JSON: " + line, e);
                }
            }
        }
        return events;
    }

    /** Stderr, line by line. */
    List<String> errLines() {
        return err.isEmpty() ? List.of() : List.of(err.split("\\R"));
    }
}
