/* Pressure Points: plotly draws each chart as SVG whose tick labels a screen reader would read
   one by one; the chart's <figure> is already named and described by its <figcaption>, and its
   data table is the text alternative, so the drawing itself is hidden from assistive technology.
   (plotly.js has no accessible-SVG option: https://github.com/plotly/plotly.js/issues/2836.) */
(function () {
  "use strict";
  function hide(root) {
    root.querySelectorAll(".pp-graph .main-svg")
      .forEach(function (el) {
        // An SVG holding a link (a note pointing to /sources) stays readable: focusable
        // content must never sit inside aria-hidden (axe rule aria-hidden-focus).
        if (el.querySelector("a")) { el.removeAttribute("aria-hidden"); return; }
        if (el.getAttribute("aria-hidden") !== "true") { el.setAttribute("aria-hidden", "true"); }
      });
  }
  new MutationObserver(function () { hide(document); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
