/* Pressure Points embed: draw the chart, follow the theme, tell the parent page our height
   (AMP "embed-size", pym.js, and a plain {type: "pressure-points:height"} message).
   When the server sent the chart's SVG as the first paint (#pp-chart[data-plotly]), plotly.js
   loads only when the reader reaches for the chart (pointer, touch, focus, key) or the browser
   is idle, and the interactive chart replaces the SVG in the same box (issue 15).
   `?lazy=interact` waits for the reader only (no idle loading): tests use it to be exact. */
(function () {
  "use strict";
  var body = document.body;
  var holder = document.getElementById("pp-chart");
  var spec = JSON.parse(document.getElementById("pp-figure").textContent);
  var query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var params = new URLSearchParams(window.location.search);
  var childId = params.get("childId");
  var live = holder;  // where plotly draws: the holder itself, or a layer over the first paint

  function isDark() {
    return body.dataset.theme === "dark" ||
      (body.dataset.theme === "auto" && query !== null && query.matches);
  }

  // The dark variant for ?theme=auto (the server draws ?theme=dark itself): the colours of
  // dashboard/figures/theme.py's DARK, on every axis of small multiples too.
  function themed(layout) {
    var out = JSON.parse(JSON.stringify(layout));
    if (!isDark()) { return out; }
    out.paper_bgcolor = "#16181d";
    out.plot_bgcolor = "#16181d";
    out.font = Object.assign({}, out.font, {color: "#e8e8e8"});
    var axes = Object.keys(out).filter(function (key) { return /^[xy]axis\d*$/.test(key); });
    ["xaxis", "yaxis"].concat(axes).forEach(function (axis) {
      out[axis] = Object.assign({}, out[axis], {gridcolor: "#33363d", zerolinecolor: "#5a5f68"});
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

  function draw() {
    window.addEventListener("resize", function () { window.Plotly.Plots.resize(live); });
    if (query !== null && body.dataset.theme === "auto" && query.addEventListener) {
      query.addEventListener("change", function () {
        window.Plotly.react(live, spec.data, themed(spec.layout), spec.config);
      });
    }
    return window.Plotly.newPlot(live, spec.data, themed(spec.layout), spec.config);
  }

  var started = false;
  function upgrade() {
    if (started) { return; }
    started = true;
    var script = document.createElement("script");
    script.src = holder.dataset.plotly;
    script.onload = function () {
      // Drawn on a layer over the SVG, which goes once plotly has drawn: no blank moment,
      // and the box keeps its reserved height (no layout shift).
      live = document.createElement("div");
      live.className = "pp-live";
      holder.appendChild(live);
      draw().then(function () {
        var first = holder.querySelector(":scope > svg");
        if (first !== null) { first.remove(); }
        holder.classList.remove("pp-first-paint");
        holder.classList.add("pp-interactive");
        postHeight();
      });
    };
    document.head.appendChild(script);
  }

  if (holder.dataset.plotly) {
    ["pointerenter", "touchstart", "focus", "keydown"].forEach(function (name) {
      holder.addEventListener(name, upgrade, {once: true, passive: true});
    });
    if (params.get("lazy") !== "interact") {
      if (window.requestIdleCallback) {
        window.requestIdleCallback(upgrade, {timeout: 4000});
      } else {
        window.setTimeout(upgrade, 2000);
      }
    }
    postHeight();
  } else {
    draw().then(postHeight);
  }
  window.addEventListener("load", postHeight);
  // The host page's resize script asks once when it starts (our first height may predate it).
  window.addEventListener("message", function (e) {
    if (e.source === window.parent && e.data && e.data.type === "pressure-points:ping") {
      postHeight();
    }
  });
  window.addEventListener("resize", postHeight);
  if (window.ResizeObserver) { new ResizeObserver(postHeight).observe(body); }
})();
