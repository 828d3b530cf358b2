/**
 * The station on the network: {@link dev.reactivedfu.station.web.StationWebServer} serves the station page, its
 * server-sent events, the per-board records and the Prometheus metrics
 * ({@link dev.reactivedfu.station.web.PrometheusMeters}) over reactor-netty; the station is reached through
 * {@link dev.reactivedfu.station.web.StationFeed}, its three JSON methods.
 */
package dev.reactivedfu.station.web;
