// The station page: tiles per socket, the summary and the last failures, kept live from /events (server-sent
// events, one JSON object per station event; the server replays the current state first). Everything is written
// with textContent: event fields are data, never markup.
(function () {
  "use strict";
  var MAX_FAILURES = 20;
  var tiles = {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function tile(ev) {
    var t = tiles[ev.socket];
    if (t) { return t; }
    var root = el("article", "tile state-idle");
    root.setAttribute("data-socket", ev.socket);
    t = {
      root: root, name: el("div", "name", ev.socket), port: el("div", "port", ev.port || ""),
      state: el("span", "state", "idle"), board: el("div", "board", ""),
      bar: el("div", "bar"), fill: el("div", "fill"),
      percent: el("span", "percent", "–"), rate: el("span", "rate", ""), eta: el("span", "eta", ""),
      result: el("div", "result", ""), error: el("div", "error", "")
    };
    t.bar.appendChild(t.fill);
    var figures = el("div", "figures");
    figures.appendChild(t.percent); figures.appendChild(t.rate); figures.appendChild(t.eta);
    [t.name, t.port, t.state, t.board, t.bar, figures, t.result, t.error].forEach(function (c) { root.appendChild(c); });
    var all = document.getElementById("tiles");
    var names = Object.keys(tiles).concat([ev.socket]).sort(function (a, b) {
      return a.localeCompare(b, undefined, { numeric: true });
    });
    var next = names[names.indexOf(ev.socket) + 1];
    all.insertBefore(root, next ? tiles[next].root : null);
    tiles[ev.socket] = t;
    return t;
  }

  function rate(bps) {
    if (!bps) { return ""; }
    return bps >= 1024 ? (bps / 1024).toFixed(1) + " KiB/s" : Math.round(bps) + " B/s";
  }

  function duration(s) {
    s = Math.max(0, Math.round(s));
    return s >= 60 ? Math.floor(s / 60) + " min " + (s % 60) + " s" : s + " s";
  }

  function onSocketState(ev) {
    var t = tile(ev);
    t.root.className = "tile state-" + ev.state;
    t.state.textContent = ev.state.replace(/_/g, " ");
    if (ev.port) { t.port.textContent = ev.port; }
    t.board.textContent = ev.board ? "board " + ev.board : "";
    if (ev.state === "updating" || ev.state === "probing") {
      t.result.textContent = "";
      t.error.textContent = "";
    }
    if (ev.state === "idle" || ev.state === "probing") {
      t.fill.style.width = "0%";
      t.percent.textContent = "–"; t.rate.textContent = ""; t.eta.textContent = "";
    }
  }

  function onProgress(ev) {
    var t = tile(ev);
    var pct = typeof ev.percent === "number" ? ev.percent : (ev.total ? 100 * ev.bytes / ev.total : 0);
    t.fill.style.width = pct.toFixed(1) + "%";
    t.percent.textContent = pct.toFixed(1) + " %";
    t.rate.textContent = rate(ev.bytes_per_second);
    t.eta.textContent = ev.bytes_per_second > 0 && ev.total > ev.bytes
      ? "ETA " + duration((ev.total - ev.bytes) / ev.bytes_per_second) : "";
  }

  function onBoardDone(ev) {
    var t = tile(ev);
    t.result.textContent = ev.result + (ev.duration_ms ? " in " + (ev.duration_ms / 1000).toFixed(1) + " s" : "");
    t.error.textContent = ev.error || "";
    if (ev.result === "passed") {
      t.fill.style.width = "100%";
      t.percent.textContent = "100.0 %"; t.eta.textContent = "";
    }
    if (ev.result === "failed") {
      addFailure(ev);
    }
  }

  function addFailure(ev) {
    document.getElementById("no-failures").style.display = "none";
    var list = document.getElementById("failures");
    var li = el("li", "failure");
    li.setAttribute("data-socket", ev.socket);
    li.appendChild(el("div", "what", ev.socket + (ev.port ? " (" + ev.port + ")" : "") + " · "
      + new Date().toLocaleTimeString() + (ev.error_type ? " · " + ev.error_type : "")));
    li.appendChild(el("div", "error", ev.error || "failed"));
    if (ev.advice) { li.appendChild(el("div", "advice", ev.advice)); }
    list.insertBefore(li, list.firstChild);
    while (list.children.length > MAX_FAILURES) { list.removeChild(list.lastChild); }
  }

  function onSummary(ev) {
    document.getElementById("passed").textContent = ev.passed;
    document.getElementById("failed").textContent = ev.failed;
    document.getElementById("running").textContent = ev.running;
    document.getElementById("boards-per-hour").textContent =
      typeof ev.boards_per_hour === "number" ? ev.boards_per_hour.toFixed(0) : "–";
    document.getElementById("mean-seconds").textContent =
      typeof ev.mean_seconds_per_board === "number" && ev.mean_seconds_per_board > 0
        ? ev.mean_seconds_per_board.toFixed(1) : "–";
  }

  function onEvent(ev) {
    switch (ev.event) {
      case "socket_state": onSocketState(ev); break;
      case "progress": onProgress(ev); break;
      case "board_done": onBoardDone(ev); break;
      case "station_summary": onSummary(ev); break;
      default: break;
    }
  }

  function connect() {
    var status = document.getElementById("connection");
    var source = new EventSource("/events");
    source.onopen = function () { status.textContent = "live"; status.className = "connection live"; };
    source.onerror = function () { status.textContent = "reconnecting…"; status.className = "connection lost"; };
    source.onmessage = function (message) {
      var ev;
      try { ev = JSON.parse(message.data); } catch (e) { return; }
      if (ev && typeof ev.event === "string") { onEvent(ev); }
    };
  }

  connect();
})();
