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
    var node = panel.querySelector(".sala-map");
    if (node && node.salaMap && node.salaMap.loaded()) panel.classList.add("map-ready");
  }, 200);

  // The map fits each new view to its real frame itself (assets/room-map.js); when the frame
  // changes size by the user's own toggle, it fits the view again.
  function fit() {
    var node = document.querySelector("#map-panel .sala-map");
    if (node && node.fit) node.fit();
  }
  document.addEventListener("fullscreenchange", function () { setTimeout(fit, 150); });
  document.addEventListener("click", function (event) {
    if (event.target.closest("#panel-toggle")) setTimeout(fit, 150);
  });
})();
