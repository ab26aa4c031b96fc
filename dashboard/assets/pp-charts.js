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
