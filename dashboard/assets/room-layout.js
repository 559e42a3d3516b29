/* The map room's layout controls, in the browser (no round trip): the side panel (a
   drawer on a phone), full screen, and the loading state until the map is drawn. */
(function () {
  "use strict";
  var NARROW = "(max-width: 800px)";

  function resize() { window.dispatchEvent(new Event("resize")); }

  document.addEventListener("click", function (event) {
    var room = document.getElementById("room");
    if (!room) return;
    var toggle = event.target.closest("#panel-toggle");
    if (toggle) {
      var narrow = window.matchMedia(NARROW).matches;
      var cls = narrow ? "panel-open" : "panel-closed";
      var on = room.classList.toggle(cls);
      toggle.setAttribute("aria-expanded", String(narrow ? on : !on));
      setTimeout(resize, 50);
      return;
    }
    if (event.target.closest("#fullscreen")) {
      var panel = document.getElementById("map-panel");
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (panel && panel.requestFullscreen) { panel.requestFullscreen(); }
      return;
    }
    // On a phone, a tap outside the open drawer closes it.
    if (room.classList.contains("panel-open") && !event.target.closest("#side-panel")) {
      room.classList.remove("panel-open");
    }
  });
  document.addEventListener("fullscreenchange", function () { setTimeout(resize, 50); });

  // The loading state stays until MapLibre has drawn the map (its style and sources loaded).
  setInterval(function () {
    var panel = document.getElementById("map-panel");
    if (!panel || panel.classList.contains("map-ready")) return;
    // On a phone the legend starts folded (one tap opens it), so it does not cover the map.
    var legend = document.getElementById("legend-toggle");
    if (legend && !legend.dataset.fitted) {
      legend.dataset.fitted = "1";
      if (window.matchMedia(NARROW).matches) legend.open = false;
    }
    var gd = panel.querySelector(".js-plotly-plot");
    var m = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
    if (m && m.loaded()) panel.classList.add("map-ready");
  }, 200);

  // Each view's territory fitted to the map's real frame with padding (the server's zoom assumes
  // 820×560): once per view, and again when the frame changes size by the user's own toggle.
  function fit(force) {
    var gd = document.querySelector("#map-panel .js-plotly-plot");
    var meta = gd && gd.layout && gd.layout.meta;
    var sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    if (!meta || !meta.fit || !sub || !sub.map) return;
    var key = String(meta.fit_key) + ":" + meta.fit.join(",");
    // A later redraw of the same view may put the server's guess back: fit again then too.
    var guessed = Math.abs(sub.map.getZoom() - meta.server_zoom) < 0.005 && gd.dataset.fitZoom !== String(meta.server_zoom);
    if (!force && gd.dataset.fitKey === key && !guessed) return;
    var box = meta.fit, frame = gd.getBoundingClientRect();
    if (frame.width < 50 || frame.height < 50) return;
    var pad = Math.round(Math.min(frame.width, frame.height) * 0.04) + 8;
    gd.dataset.fitKey = key;
    sub.map.fitBounds([[box[0], box[1]], [box[2], box[3]]], {padding: pad, animate: false, maxZoom: 16});
    gd.dataset.fitZoom = String(Math.round(sub.map.getZoom() * 1000) / 1000);
  }
  setInterval(function () { fit(false); }, 250);
  document.addEventListener("fullscreenchange", function () { setTimeout(function () { fit(true); }, 150); });
  document.addEventListener("click", function (event) {
    if (event.target.closest("#panel-toggle")) setTimeout(function () { fit(true); }, 150);
  });
})();
