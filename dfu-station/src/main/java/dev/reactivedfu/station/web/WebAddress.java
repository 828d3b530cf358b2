package dev.reactivedfu.station.web;

/**
 * Where the web server listens, as given on the command line ({@code --http HOST:PORT}, {@code --metrics
 * HOST:PORT}). Without a host (just {@code PORT} or {@code :PORT}) it binds to {@value #DEFAULT_HOST} only, so
 * nothing is exposed to the network unless asked for; port 0 takes a free port.
 *
 * @param host a host name or IP literal ({@code 0.0.0.0} for every interface)
 * @param port 0–65535
 */
public record WebAddress(String host, int port) {

    /** The host bound when none is given: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    public WebAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the web server needs a host to bind to, such as " + DEFAULT_HOST);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range: give 1-65535, or 0 for any free port");
        }
    }

    /** Loopback on {@code port}. */
    public static WebAddress loopback(int port) {
        return new WebAddress(DEFAULT_HOST, port);
    }

    /**
     * Parses {@code HOST:PORT}, {@code :PORT}, {@code PORT} or {@code [IPv6]:PORT}.
     *
     * @throws IllegalArgumentException saying what form is expected
     */
    public static WebAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("give the address as HOST:PORT (for example 127.0.0.1:9464), or PORT");
        }
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': write an IPv6 address as [ADDRESS]:PORT");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') != colon) {
                throw new IllegalArgumentException("'" + text + "': write an IPv6 address as [ADDRESS]:PORT");
            }
            host = colon <= 0 ? DEFAULT_HOST : s.substring(0, colon);
            port = colon < 0 ? s : s.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the port must be a number (HOST:PORT, for example "
                    + "127.0.0.1:9464)");
        }
        return new WebAddress(host, p);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
