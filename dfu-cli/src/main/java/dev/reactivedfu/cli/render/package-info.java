/**
 * How an update's events are shown: a live progress line on terminals, plain lines when piped, and one JSON object
 * per line for programs, ending with a summary.
 */
package dev.reactivedfu.cli.render;
