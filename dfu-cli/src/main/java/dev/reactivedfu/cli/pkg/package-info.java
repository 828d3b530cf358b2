/**
 * Rendering of DFU packages for {@code dfu pkg}: the human report and the JSON object of {@code dfu pkg display}.
 */
package dev.reactivedfu.cli.pkg;
