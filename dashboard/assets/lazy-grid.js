/* AG Grid on demand (dashboard/bundles.py): until its bundle is loaded, `dash_ag_grid`
   is this stand-in. Its AgGrid keeps the grid's place (same id, class and height: nothing
   moves when the real grid arrives) and loads the real bundle when the grid comes near the
   screen, takes the pointer or the focus; getApiAsync loads it too. The real bundle then
   replaces window.dash_ag_grid, and every stand-in renders the real AgGrid with its props. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="sala-grid-script"]');
  var React = window.React;
  if (!meta || !React || window.dash_ag_grid) return;
  var LOADING = "Cargando la tabla…";
  var src = meta.getAttribute("content");
  var resolveReady;
  var ready = new Promise(function (resolve) { resolveReady = resolve; });
  var requested = false;

  function load() {
    if (!requested) {
      requested = true;
      var script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onload = function () { resolveReady(window.dash_ag_grid); };
      script.onerror = function () { requested = false; };
      document.head.appendChild(script);
    }
    return ready;
  }

  function AgGrid(props) {
    var slot = React.useRef(null);
    var state = React.useState(null);
    var Real = state[0], setReal = state[1];
    React.useEffect(function () {
      var alive = true, observer = null;
      ready.then(function (lib) { if (alive) setReal(function () { return lib.AgGrid; }); });
      var node = slot.current;
      if (node && window.IntersectionObserver) {
        observer = new IntersectionObserver(function (entries) {
          if (entries.some(function (entry) { return entry.isIntersecting; })) load();
        }, {rootMargin: "0px"});
        observer.observe(node);
      } else {
        load();
      }
      return function () { alive = false; if (observer) observer.disconnect(); };
    }, []);
    if (Real) return React.createElement(Real, props);
    return React.createElement("div", {
      id: props.id, ref: slot, className: (props.className || "") + " grid-pending",
      style: props.style, onPointerEnter: load, onFocus: load, tabIndex: -1,
    }, React.createElement("span", {className: "grid-pending-note", role: "status"}, LOADING));
  }

  window.dash_ag_grid = {
    AgGrid: AgGrid,
    getApiAsync: function (id) { return load().then(function (lib) { return lib.getApiAsync(id); }); },
    getApi: function () { load(); throw new Error("dash_ag_grid: la tabla aún se está cargando"); },
  };
})();
