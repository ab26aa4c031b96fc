/* Pressure Points embed: draw the chart, follow the theme, tell the parent page our height
   (AMP "embed-size", pym.js, and a plain {type: "pressure-points:height"} message). */
(function () {
  "use strict";
  var body = document.body;
  var holder = document.getElementById("pp-chart");
  var spec = JSON.parse(document.getElementById("pp-figure").textContent);
  var query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var childId = new URLSearchParams(window.location.search).get("childId");

  function isDark() {
    return body.dataset.theme === "dark" ||
      (body.dataset.theme === "auto" && query !== null && query.matches);
  }

  function themed(layout) {
    var out = JSON.parse(JSON.stringify(layout));
    if (!isDark()) { return out; }
    out.paper_bgcolor = "#16181d";
    out.plot_bgcolor = "#16181d";
    out.font = Object.assign({}, out.font, {color: "#e8e8e8"});
    ["xaxis", "yaxis"].forEach(function (axis) {
      out[axis] = Object.assign({}, out[axis], {gridcolor: "#333", zerolinecolor: "#444"});
    });
    if (out.geo) {
      out.geo = Object.assign({}, out.geo, {bgcolor: "#16181d", landcolor: "#2a2d34"});
    }
    return out;
  }

  function postHeight() {
    if (window.parent === window) { return; }
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    window.parent.postMessage({sentinel: "amp", type: "embed-size", height: height}, "*");
    window.parent.postMessage({type: "pressure-points:height", chart: body.dataset.chart,
                               height: height}, "*");
    if (childId) {
      window.parent.postMessage("pymxPYMx" + childId + "xPYMxheightxPYMx" + height, "*");
    }
  }

  window.Plotly.newPlot(holder, spec.data, themed(spec.layout), spec.config).then(postHeight);
  window.addEventListener("load", postHeight);
  // The host page's resize script asks once when it starts (our first height may predate it).
  window.addEventListener("message", function (e) {
    if (e.source === window.parent && e.data && e.data.type === "pressure-points:ping") {
      postHeight();
    }
  });
  window.addEventListener("resize", function () {
    window.Plotly.Plots.resize(holder);
    postHeight();
  });
  if (window.ResizeObserver) { new ResizeObserver(postHeight).observe(body); }
  if (query !== null && body.dataset.theme === "auto" && query.addEventListener) {
    query.addEventListener("change", function () {
      window.Plotly.react(holder, spec.data, themed(spec.layout), spec.config);
    });
  }
})();
