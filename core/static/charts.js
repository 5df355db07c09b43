// Jiedao charts: draws every <canvas data-chart="bar" data-chart-source="ID"> from the JSON
// data island <script type="application/json" id="ID"> ({"labels": [...], "datasets":
// [{"label": ..., "data": [...]}], "unit": "..."}) with the vendored Chart.js. The table next
// to the chart stays the accessible source of the same figures; without Chart.js (or scripts)
// nothing breaks, the canvas just stays empty.
(function () {
  "use strict";
  var PALETTE = ["#2f6fbd", "#3a9d5d", "#d9822b", "#c23b3b", "#7a5bbf", "#5b8f9f"];

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart-source"));
    if (!source || typeof window.Chart === "undefined") return null;
    var data = JSON.parse(source.textContent);
    var datasets = (data.datasets || []).map(function (set, i) {
      var colour = set.color || PALETTE[i % PALETTE.length];
      return { label: set.label, data: set.data, backgroundColor: colour, borderColor: colour };
    });
    var chart = new window.Chart(canvas, {
      type: canvas.getAttribute("data-chart") || "bar",
      data: { labels: data.labels || [], datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: canvas.getAttribute("data-chart-horizontal") ? "y" : "x",
        plugins: { legend: { display: datasets.length > 1 } },
        scales: { y: { beginAtZero: true, title: { display: !!data.unit, text: data.unit || "" } } },
      },
    });
    canvas.setAttribute("data-chart-drawn", "1");
    return chart;
  }

  function drawAll() {
    var canvases = document.querySelectorAll("canvas[data-chart][data-chart-source]");
    for (var i = 0; i < canvases.length; i++) {
      if (!canvases[i].getAttribute("data-chart-drawn")) draw(canvases[i]);
    }
  }

  window.JiedaoCharts = { draw: draw, drawAll: drawAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
