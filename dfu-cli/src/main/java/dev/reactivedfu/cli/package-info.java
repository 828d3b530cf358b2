/**
 * The {@code dfu} command line (picocli): {@code flash}, {@code demo}, {@code simulate}, {@code pkg}, {@code ports},
 * with one exit-code mapping ({@link dev.reactivedfu.cli.ExitCodes}). The only module that blocks: it waits for an
 * update in one place ({@code UpdateRunner}) and turns Ctrl-C into a clean stop between frames.
 */
package dev.reactivedfu.cli;
