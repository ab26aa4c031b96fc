/* Pressure Points: light or dark. The reader's choice ("auto", "light", "dark") lives in
   localStorage["pp-theme"] only (no cookie); "auto", the default, follows the system's
   prefers-color-scheme. The result is Bootstrap 5.3's data-bs-theme on <html>
   (https://getbootstrap.com/docs/5.3/customize/color-modes/), which pp.css also uses to draw
   the charts dark (their paper, plot area, text and gridlines), so no chart is re-drawn.

   dashboard/pages/_footer.py moves this file's <script> into <head> (Dash puts assets at the
   end of <body>): it runs before the first paint, so a dark reader never sees a white flash.
   The footer's Auto / Light / Dark buttons appear later (React draws them); clicks are caught
   on the document, and their aria-pressed state is set when they appear. */
(function () {
  "use strict";
  if (window.ppTheme) { return; }
  var KEY = "pp-theme";
  var CHOICES = ["auto", "light", "dark"];
  var root = document.documentElement;
  var query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return CHOICES.indexOf(value) >= 0 ? value : "auto";
    } catch (e) {  // storage blocked (privacy settings): follow the system
      return "auto";
    }
  }

  function sync() {
    root.querySelectorAll("[data-pp-theme]").forEach(function (button) {
      var choice = root.getAttribute("data-pp-choice");
      var pressed = String(button.getAttribute("data-pp-theme") === choice);
      if (button.getAttribute("aria-pressed") !== pressed) {
        button.setAttribute("aria-pressed", pressed);
      }
    });
  }

  function apply(choice) {
    var dark = choice === "dark" || (choice === "auto" && query !== null && query.matches);
    root.setAttribute("data-bs-theme", dark ? "dark" : "light");
    root.setAttribute("data-pp-choice", choice);
    sync();
  }

  function choose(choice) {
    try {
      if (choice === "auto") { window.localStorage.removeItem(KEY); }
      else { window.localStorage.setItem(KEY, choice); }
    } catch (e) { /* not stored: this page still switches */ }
    apply(choice);
  }

  window.ppTheme = {choose: choose};
  apply(stored());
  if (query !== null && query.addEventListener) {
    query.addEventListener("change", function () { apply(stored()); });
  }
  window.addEventListener("storage", function (event) {  // another tab switched
    if (event.key === KEY || event.key === null) { apply(stored()); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest
      ? event.target.closest("[data-pp-theme]") : null;
    if (button) { choose(button.getAttribute("data-pp-theme")); }
  });
  new MutationObserver(sync).observe(root, {childList: true, subtree: true});
})();
