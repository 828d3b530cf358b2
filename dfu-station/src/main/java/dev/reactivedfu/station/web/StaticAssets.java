package dev.reactivedfu.station.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The station page's files, read from the jar once ({@code static/} next to this class): no CDN, no fonts. */
final class StaticAssets {

    /** One file and its content type. */
    record Asset(byte[] bytes, String contentType) {
    }

    private final Map<String, Asset> assets;

    private StaticAssets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    static StaticAssets load() {
        return new StaticAssets(Map.of(
                "index.html", read("index.html", "text/html; charset=utf-8"),
                "station.css", read("station.css", "text/css; charset=utf-8"),
                "station.js", read("station.js", "text/javascript; charset=utf-8")));
    }

    Asset get(String name) {
        Asset a = assets.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no asset " + name);
        }
        return a;
    }

    private static Asset read(String name, String contentType) {
        try (InputStream in = StaticAssets.class.getResourceAsStream("static/" + name)) {
            if (in == null) {
                throw new IllegalStateException("static/" + name + " is missing from the jar: rebuild dfu-station");
            }
            return new Asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
