/* The room's map, drawn by MapLibre GL directly (dashboard/components/sala_components.py).

   The server still builds the map as a Plotly-shaped figure (dashboard/figures.py: a
   choroplethmap trace, scattermap and densitymap traces, layout.map's centre, zoom and
   layers) and patches it as before; this component draws that figure with MapLibre and
   answers a click with Plotly's clickData shape, so the callbacks did not change. What it
   saves is plotly.js on the first screen: ≈ 680 kB brotli and its long tasks, against
   MapLibre's ≈ 175 kB (the weekly charts below still load Plotly, when they are reached).

   The element keeps `salaMap` (the MapLibre map), `figure` (the figure drawn) and `fit()`;
   `data-drawn="1"` once MapLibre is idle after the figure's last change. */
(function () {
  "use strict";
  var React = window.React;
  if (!React) return;
  var PREFIX = "sala-";
  var LOCALE = {
    "AttributionControl.ToggleAttribution": "Mostrar u ocultar la atribución",
    "AttributionControl.MapFeedback": "Comentarios sobre el mapa",
    "FullscreenControl.Enter": "Pantalla completa",
    "FullscreenControl.Exit": "Salir de pantalla completa",
    "GeolocateControl.FindMyLocation": "Mi ubicación",
    "GeolocateControl.LocationNotAvailable": "Ubicación no disponible",
    "LogoControl.Title": "MapLibre",
    "Map.Title": "Mapa",
    "Marker.Title": "Marcador",
    "NavigationControl.ResetBearing": "Orientar al norte",
    "NavigationControl.ZoomIn": "Acercar",
    "NavigationControl.ZoomOut": "Alejar",
    "Popup.Close": "Cerrar",
    "ScaleControl.Feet": "pies",
    "ScaleControl.Meters": "m",
    "ScaleControl.Kilometers": "km",
    "ScaleControl.Miles": "mi",
    "ScaleControl.NauticalMiles": "mn",
    "TerrainControl.Enable": "Activar relieve",
    "TerrainControl.Disable": "Desactivar relieve",
    "CooperativeGesturesHandler.WindowsHelpText": "Use Ctrl + rueda para acercar el mapa",
    "CooperativeGesturesHandler.MacHelpText": "Use ⌘ + rueda para acercar el mapa",
    "CooperativeGesturesHandler.MobileHelpText": "Use dos dedos para mover el mapa",
  };
  var RESET = "Restablecer la vista";
  var DOWNLOAD = "Descargar el mapa como PNG";
  var EMPTY = {type: "FeatureCollection", features: []};
  // Boundary files by URL (each URL carries its version), parsed once; a few views' worth.
  var BOUNDARIES = new Map();
  var KEEP = 12;

  function boundaries(url) {
    if (BOUNDARIES.has(url)) return BOUNDARIES.get(url);
    var loading = fetch(url, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
    loading.catch(function () { BOUNDARIES.delete(url); });
    BOUNDARIES.set(url, loading);
    if (BOUNDARIES.size > KEEP) BOUNDARIES.delete(BOUNDARIES.keys().next().value);
    return loading;
  }
  window.salaBoundaries = BOUNDARIES;

  function escapeHtml(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (ch) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[ch];
    });
  }

  // Plotly's hovertemplate, as figures.py writes it: our own labels with <b> and <br>, and
  // %{customdata[i]} for the record's values (escaped: they are data, not markup).
  function hoverHtml(template, custom) {
    return String(template || "").replace("<extra></extra>", "").replace(/%\{customdata\[(\d+)\]\}/g, function (_m, i) {
      return escapeHtml(custom ? custom[Number(i)] : "");
    });
  }

  // The colour of a value on a Plotly colorscale ([[fraction, colour], …]; stepped scales
  // repeat a colour at both ends of its band).
  function scaleColor(scale, zmin, zmax, z) {
    if (!scale || !scale.length) return "#d9d9d9";
    var t = zmax > zmin ? (z - zmin) / (zmax - zmin) : 0;
    t = Math.max(0, Math.min(1, t));
    for (var i = 0; i < scale.length - 1; i++) {
      if (t >= scale[i][0] && t <= scale[i + 1][0]) return scale[i][1];
    }
    return scale[scale.length - 1][1];
  }

  function pick(value, i, fallback) {
    if (Array.isArray(value)) return value[i] == null ? fallback : value[i];
    return value == null ? fallback : value;
  }

  function sourceSpec(layer) {
    var spec;
    if (layer.sourcetype === "raster") {
      spec = {type: "raster", tiles: layer.source, tileSize: 256};
    } else if (layer.sourcetype === "vector") {
      spec = {type: "vector", tiles: layer.source};
    } else {
      spec = {type: "geojson", data: layer.source};
    }
    if (layer.sourceattribution) spec.attribution = layer.sourceattribution;
    return spec;
  }

  function layerSpec(layer, id, source) {
    var spec = {id: id, source: source};
    if (layer.sourcelayer) spec["source-layer"] = layer.sourcelayer;
    if (layer.minzoom != null) spec.minzoom = layer.minzoom;
    var opacity = layer.opacity == null ? 1 : layer.opacity;
    if (layer.sourcetype === "raster") {
      spec.type = "raster";
      spec.paint = {"raster-opacity": opacity};
    } else if (layer.type === "line") {
      spec.type = "line";
      spec.paint = {"line-color": layer.color || "#4d4d4d", "line-width": (layer.line && layer.line.width) || 1,
                    "line-opacity": opacity};
    } else {
      spec.type = "fill";
      spec.paint = {"fill-color": layer.color || "#eeeeee", "fill-opacity": opacity};
    }
    return spec;
  }

  // The figure as MapLibre sources and layers, bottom to top: the base layers (below the
  // traces), the territories, the tile layers over them, the heat maps, then the points
  // (the newest records of a layer drawn as a heat map sit on it).
  function plan(figure) {
    var sources = {}, layers = [], interactive = [];
    var map = (figure.layout && figure.layout.map) || {};
    var extra = map.layers || [];
    function addSource(spec, key) {
      key = key || PREFIX + "src-" + JSON.stringify(spec.data || spec.tiles);
      // The same file as a fill and a line: one source, with the attribution either carries.
      if (sources[key] && sources[key].attribution && !spec.attribution) spec.attribution = sources[key].attribution;
      sources[key] = spec;
      return key;
    }
    var below = extra.filter(function (l) { return l.below === "traces"; });
    var above = extra.filter(function (l) { return l.below !== "traces"; });
    below.forEach(function (l, i) { layers.push(layerSpec(l, PREFIX + "base-" + i, addSource(sourceSpec(l)))); });
    (figure.data || []).forEach(function (trace, t) {
      if (trace.type === "choroplethmap" && trace.geojson) {
        var codes = trace.locations || [];
        var src = addSource({type: "geojson", data: trace.geojson});
        var key = (trace.featureidkey || "properties.code").replace(/^properties\./, "");
        var match = ["match", ["to-string", ["get", key]]];
        codes.forEach(function (code, i) {
          match.push(String(code), scaleColor(trace.colorscale, trace.zmin, trace.zmax, (trace.z || [])[i]));
        });
        match.push("rgba(0,0,0,0)");
        var marker = trace.marker || {}, line = marker.line || {};
        var filter = ["in", ["to-string", ["get", key]], ["literal", codes.map(String)]];
        layers.push({id: PREFIX + "trace-" + t + "-fill", type: "fill", source: src, filter: filter,
                     paint: {"fill-color": codes.length ? match : "rgba(0,0,0,0)", "fill-opacity": marker.opacity == null ? 1 : marker.opacity},
                     metadata: {trace: t, key: key}});
        layers.push({id: PREFIX + "trace-" + t + "-line", type: "line", source: src, filter: filter,
                     paint: {"line-color": line.color || "#ffffff", "line-width": line.width == null ? 1 : line.width}});
        interactive.push(PREFIX + "trace-" + t + "-fill");
      }
    });
    above.forEach(function (l, i) { layers.push(layerSpec(l, PREFIX + "over-" + i, addSource(sourceSpec(l)))); });
    var heat = [], points = [];
    (figure.data || []).forEach(function (trace, t) {
      if (trace.type !== "scattermap" && trace.type !== "densitymap") return;
      var lon = trace.lon || [], lat = trace.lat || [];
      var features = [];
      if (trace.type === "densitymap") {
        var zs = trace.z || [], top = 0;
        zs.forEach(function (z) { top = Math.max(top, Number(z) || 0); });
        lon.forEach(function (x, i) {
          features.push({type: "Feature", geometry: {type: "Point", coordinates: [x, lat[i]]},
                         properties: {w: top ? (Number(zs[i]) || 0) / top : 0}});
        });
        var ramp = ["interpolate", ["linear"], ["heatmap-density"]];
        (trace.colorscale || [[0, "rgba(0,0,0,0)"], [1, "#bd0026"]]).forEach(function (s) { ramp.push(s[0], s[1]); });
        heat.push({id: PREFIX + "trace-" + t + "-heat", type: "heatmap",
                     source: addSource({type: "geojson", data: {type: "FeatureCollection", features: features}}, PREFIX + "heat-" + t),
                     paint: {"heatmap-weight": ["get", "w"], "heatmap-radius": trace.radius || 18, "heatmap-color": ramp,
                             "heatmap-opacity": trace.opacity == null ? 1 : trace.opacity}});
        return;
      }
      var marker = trace.marker || {};
      lon.forEach(function (x, i) {
        features.push({type: "Feature", geometry: {type: "Point", coordinates: [x, lat[i]]},
                       properties: {t: t, i: i, c: pick(marker.color, i, "#333333"), r: pick(marker.size, i, 8) / 2}});
      });
      var id = PREFIX + "trace-" + t + "-points";
      points.push({id: id, type: "circle",
                   source: addSource({type: "geojson", data: {type: "FeatureCollection", features: features}}, PREFIX + "points-" + t),
                   paint: {"circle-color": ["get", "c"], "circle-radius": ["get", "r"],
                           "circle-opacity": marker.opacity == null ? 1 : marker.opacity,
                           "circle-stroke-color": "#ffffff", "circle-stroke-width": 0.6},
                   metadata: {trace: t}});
      interactive.unshift(id);  // the points answer before the territory under them
    });
    return {sources: sources, layers: layers.concat(heat, points), interactive: interactive};
  }

  function apply(node, state, figure) {
    var m = state.map;
    var next = plan(figure);
    var style = m.getStyle();
    (style.layers || []).forEach(function (l) { if (l.id.indexOf(PREFIX) === 0) m.removeLayer(l.id); });
    Object.keys(style.sources || {}).forEach(function (id) {
      // A boundary file already loaded stays (its URL is its version); point data is new each time.
      if (id.indexOf(PREFIX) === 0 && (!next.sources[id] || typeof next.sources[id].data === "object")) m.removeSource(id);
    });
    var loads = [];
    Object.keys(next.sources).forEach(function (id) {
      if (m.getSource(id)) return;
      var spec = next.sources[id];
      if (spec.type === "geojson" && typeof spec.data === "string") {
        // Boundary files are fetched here, not by MapLibre's worker: the page's HTTP cache
        // and its network conditions apply, and the file parsed is kept for the next view.
        var url = spec.data;
        m.addSource(id, Object.assign({}, spec, {data: EMPTY}));
        loads.push(boundaries(url).then(function (data) {
          var source = m.getSource(id);
          if (source) source.setData(data);
        }));
      } else {
        m.addSource(id, spec);
      }
    });
    next.layers.forEach(function (l) { m.addLayer(l); });
    state.interactive = next.interactive;
    state.figure = figure;
    node.figure = figure;
    place(node, state, figure, false);
    node.dataset.drawn = "0";
    Promise.all(loads).then(function () {
      m.once("idle", function () { if (state.figure === figure) node.dataset.drawn = "1"; });
      m.triggerRepaint();
    }, function (error) { console.error("room map: a boundary file did not load", error); });
  }

  // The camera: a new view (uirevision) goes to the server's frame, fitted to the element's
  // real size with padding, once; a patch of the same view keeps the user's pan and zoom.
  function place(node, state, figure, force) {
    var layout = figure.layout || {}, meta = layout.meta || {}, mapLayout = layout.map || {};
    var revision = String(layout.uirevision);
    var box = meta.fit;
    var key = revision + ":" + (box ? box.join(",") : "");
    if (!force && state.placed === key) return;
    var frame = node.getBoundingClientRect();
    var sized = frame.width >= 50 && frame.height >= 50;
    if (box && sized) {
      var pad = Math.round(Math.min(frame.width, frame.height) * 0.04) + 8;
      state.map.fitBounds([[box[0], box[1]], [box[2], box[3]]], {padding: pad, animate: false, maxZoom: 16});
    } else if (mapLayout.center) {
      state.map.jumpTo({center: [mapLayout.center.lon, mapLayout.center.lat], zoom: mapLayout.zoom || 5});
    }
    if (box && !sized) return;  // not laid out yet: fitted when the element gets its size
    state.placed = key;
    node.dataset.placed = key;
  }

  function clickPoint(state, feature, lngLat) {
    var figure = state.figure || {data: []};
    var layer = feature.layer || {};
    var meta = layer.metadata || {};
    var t = meta.trace, trace = figure.data[t] || {};
    if (trace.type === "choroplethmap") {
      var code = String(feature.properties[meta.key]);
      var i = (trace.locations || []).map(String).indexOf(code);
      return {curveNumber: t, pointNumber: i, pointIndex: i, location: code, z: (trace.z || [])[i],
              customdata: (trace.customdata || [])[i], lon: lngLat.lng, lat: lngLat.lat};
    }
    var j = feature.properties.i;
    return {curveNumber: t, pointNumber: j, pointIndex: j, lon: (trace.lon || [])[j], lat: (trace.lat || [])[j],
            customdata: (trace.customdata || [])[j]};
  }

  function hit(state, point) {
    var layers = (state.interactive || []).filter(function (id) { return state.map.getLayer(id); });
    if (!layers.length) return null;
    var found = state.map.queryRenderedFeatures(point, {layers: layers});
    if (!found.length) return null;
    // queryRenderedFeatures lists the topmost first; points come before territories.
    return found[0];
  }

  function buttons(state, node) {
    var box = document.createElement("div");
    box.className = "maplibregl-ctrl maplibregl-ctrl-group sala-map-tools";
    function button(cls, title, onClick) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = cls;
      b.title = title;
      b.setAttribute("aria-label", title);
      b.innerHTML = '<span class="maplibregl-ctrl-icon" aria-hidden="true"></span>';
      b.addEventListener("click", onClick);
      box.appendChild(b);
    }
    button("sala-map-reset", RESET, function () { node.fit(); });
    button("sala-map-download", DOWNLOAD, function () {
      // Read the canvas in the frame that has just been drawn (no preserved drawing buffer).
      state.map.once("render", function () {
        var a = document.createElement("a");
        a.href = state.map.getCanvas().toDataURL("image/png");
        a.download = "mapa-sala.png";
        document.body.appendChild(a);
        a.click();
        a.remove();
      });
      state.map.triggerRepaint();
    });
    return {onAdd: function () { return box; }, onRemove: function () { box.remove(); }};
  }

  function mount(node, state, props) {
    var figure = props.figure || {data: [], layout: {}};
    var mapLayout = (figure.layout && figure.layout.map) || {};
    var center = mapLayout.center || {lon: -66.2, lat: 7.1};
    var m = new window.maplibregl.Map({
      container: node,
      style: {version: 8, sources: {}, layers: [{id: "background", type: "background", paint: {"background-color": "#ffffff"}}]},
      center: [center.lon, center.lat],
      zoom: mapLayout.zoom || 4.5,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      locale: LOCALE,
      fadeDuration: 0,
    });
    m.touchZoomRotate.disableRotation();
    m.addControl(new window.maplibregl.NavigationControl({showCompass: false}), "top-right");
    m.addControl(buttons(state, node), "top-right");
    // The sources' attribution stays in sight: along the top on a wide map (the legend and the
    // timeline hold the bottom), along the bottom on a phone (the timeline is under the map there).
    var narrow = window.matchMedia && window.matchMedia("(max-width: 720px)").matches;
    m.addControl(new window.maplibregl.AttributionControl({compact: true}), narrow ? "bottom-right" : "top-left");
    state.map = m;
    node.salaMap = m;
    node.fit = function () { if (state.figure) place(node, state, state.figure, true); };
    var popup = new window.maplibregl.Popup({closeButton: false, closeOnClick: false, className: "sala-hover", maxWidth: "320px"});
    m.on("mousemove", function (e) {
      var f = hit(state, e.point);
      m.getCanvas().style.cursor = f ? "pointer" : "";
      if (!f) { popup.remove(); return; }
      var p = clickPoint(state, f, e.lngLat);
      var trace = state.figure.data[p.curveNumber] || {};
      if (!trace.hovertemplate || !p.customdata) { popup.remove(); return; }
      popup.setLngLat(e.lngLat).setHTML(hoverHtml(trace.hovertemplate, p.customdata)).addTo(m);
    });
    m.getCanvas().addEventListener("mouseleave", function () { popup.remove(); });
    m.on("click", function (e) {
      var f = hit(state, e.point);
      if (!f) return;
      popup.remove();
      props.setPropsRef.current({clickData: {points: [clickPoint(state, f, e.lngLat)]}});
    });
    var ready = function () {
      state.loaded = true;
      if (state.pending) { var fig = state.pending; state.pending = null; apply(node, state, fig); }
    };
    if (m.isStyleLoaded()) ready(); else m.once("load", ready);
    if (window.ResizeObserver) {
      state.observer = new ResizeObserver(function () {
        m.resize();
        if (state.figure) place(node, state, state.figure, false);
      });
      state.observer.observe(node);
    }
  }

  // MapLibre comes with the room's page; a page reached from another one in the app (no page
  // load) fetches it, and its style, from the addresses in the head (dashboard.bundles).
  var library = null;

  function mapLibre() {
    if (window.maplibregl) return Promise.resolve(window.maplibregl);
    if (library) return library;
    library = new Promise(function (resolve, reject) {
      var style = document.querySelector('meta[name="sala-maplibre-style"]');
      if (style && !document.querySelector('link[href="' + style.content + '"]')) {
        var link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = style.content;
        document.head.appendChild(link);
      }
      var meta = document.querySelector('meta[name="sala-maplibre-script"]');
      if (!meta) { reject(new Error("room map: no MapLibre address in the page")); return; }
      var script = document.createElement("script");
      script.src = meta.content;
      script.onload = function () { resolve(window.maplibregl); };
      script.onerror = function () { library = null; reject(new Error("room map: MapLibre did not load")); };
      document.head.appendChild(script);
    });
    return library;
  }

  function RoomMap(props) {
    var ref = React.useRef(null);
    var stateRef = React.useRef({});
    var setPropsRef = React.useRef(props.setProps);
    setPropsRef.current = props.setProps;
    React.useEffect(function () {
      var state = stateRef.current, alive = true;
      mapLibre().then(function () {
        if (alive) mount(ref.current, state, {figure: props.figure, setPropsRef: setPropsRef});
      }, function (error) { console.error(error); });
      return function () {
        alive = false;
        if (state.observer) state.observer.disconnect();
        if (state.map) state.map.remove();
      };
    }, []);
    React.useEffect(function () {
      var state = stateRef.current;
      if (!props.figure) return;
      if (state.loaded) apply(ref.current, state, props.figure); else state.pending = props.figure;
    }, [props.figure]);
    return React.createElement("div", {
      id: props.id, ref: ref, className: "sala-map " + (props.className || ""), style: props.style,
      role: "region", "aria-label": props.label || "Mapa",
    });
  }

  window.sala_components = Object.assign(window.sala_components || {}, {RoomMap: RoomMap});
})();
