/* Pressure Points: the plotly.js bundle a page needs when Dash Pages navigates inside the page
   (issue 15). The server's index loads no bundle on pages without charts, plotly.js's "geo"
   partial bundle on map pages and its "basic" bundle elsewhere, and names them in
   <meta name="pp-plotly"> (dashboard/web/bundles.py).
   - dcc.Graph loads window._dashPlotlyJSURL (Dash's full plotly.js, about 1.4 MB) when no
     window.Plotly exists; that URL is pinned to our basic or geo bundle instead.
   - The two bundles hold different traces (basic: scatter, bar, pie; geo: scatter, scattergeo,
     choropleth: https://github.com/plotly/plotly.js/blob/master/dist/README.md), so a link or a
     history step to a map page while the geo bundle is not loaded becomes a full page load. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="pp-plotly"]');
  if (!meta) { return; }
  var info = JSON.parse(meta.getAttribute("content"));
  var loaded = info.loaded;

  function isMapPage(path) {
    return info.maps.indexOf(path.replace(/\/+$/, "") || "/") >= 0;
  }

  Object.defineProperty(window, "_dashPlotlyJSURL", {
    configurable: true,
    get: function () {
      loaded = isMapPage(window.location.pathname) ? "geo" : "basic";
      return info[loaded];
    },
    set: function () { /* dash-renderer names the full bundle here; ours stay */ }
  });

  // Capture phase on document: runs before React's handlers on the app's root, so stopping
  // the event leaves the browser's own navigation to the link's href (a full load).
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.origin !== window.location.origin || link.target === "_blank") { return; }
    if (isMapPage(link.pathname) && loaded !== "geo") { event.stopPropagation(); }
  }, true);

  window.addEventListener("popstate", function () {
    if (isMapPage(window.location.pathname) && loaded !== "geo") { window.location.reload(); }
  });
})();

/* Language of parts inside charts (WCAG 3.1.2, issue 13): an annotation whose text is cited data
   in English (a note's title as its source wrote it) is named "lang:en" in the figure; its SVG
   group gets lang="en" whenever plotly draws it, so an Armenian or Russian page says which
   words are English. Plotly keeps no attributes of its own on annotation text. */
(function () {
  "use strict";
  function mark(group) {
    var plot = group.closest(".js-plotly-plot");
    var notes = plot && plot.layout ? plot.layout.annotations || [] : [];
    var note = notes[Number(group.getAttribute("data-index"))];
    var match = note && typeof note.name === "string" ? /^lang:([a-z]{2})$/.exec(note.name) : null;
    if (match) { group.setAttribute("lang", match[1]); }
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1) { return; }
        if (node.matches("g.annotation")) { mark(node); }
        node.querySelectorAll("g.annotation").forEach(mark);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
