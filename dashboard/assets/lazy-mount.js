/* `Lazy` (dashboard/components/sala_components.py): children drawn once they come near the
   screen, until then a box of their height, so nothing moves. The room's weekly charts sit
   below the ranked table; their plotly.js is loaded when someone scrolls to them, not with
   the room's first screen. */
(function () {
  "use strict";
  var React = window.React;
  if (!React) return;

  function Lazy(props) {
    var ref = React.useRef(null);
    var shown = React.useState(!window.IntersectionObserver);
    React.useEffect(function () {
      if (shown[0]) return undefined;
      var observer = new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) { shown[1](true); observer.disconnect(); }
      }, {rootMargin: "200px 0px"});
      observer.observe(ref.current);
      return function () { observer.disconnect(); };
    }, [shown[0]]);
    return React.createElement("div", {
      id: props.id, ref: ref, className: props.className, style: shown[0] ? props.style : Object.assign({minHeight: props.height}, props.style),
    }, shown[0] ? props.children : null);
  }

  window.sala_components = Object.assign(window.sala_components || {}, {Lazy: Lazy});
})();
