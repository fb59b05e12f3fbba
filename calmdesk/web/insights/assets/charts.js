// Calmdesk insights: draw each chart from its JSON data block.
// A static file (the Content Security Policy forbids inline script). Every
// chart has a data table beside it, so the page reads fine without this.
(function () {
  "use strict";

  function draw() {
    if (!window.Plotly) return;
    var boxes = document.querySelectorAll("[data-chart]");
    Array.prototype.forEach.call(boxes, function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) return;
      var spec;
      try { spec = JSON.parse(source.textContent); } catch (e) { return; }
      window.Plotly.newPlot(el, spec.data, spec.layout, {
        displayModeBar: false,
        responsive: true,
        displaylogo: false
      }).then(function () { el.setAttribute("data-drawn", "1"); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
