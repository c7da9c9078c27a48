/* eccp-kg explorer: progressive enhancement only. Every page works without this file:
   the programme filter falls back to its form (a GET request), charts fall back to their tables. */
(function () {
  "use strict";

  /* Programme filter: show the chosen programme columns and the countries listed in them. */
  function enhanceFilter(form) {
    var table = document.getElementById("matrix");
    var status = document.getElementById("matrix-status");
    if (!table) { return; }
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=programme]"));
    var apply = form.querySelector(".apply");
    if (apply) { apply.hidden = true; }  /* changes apply at once */
    function update() {
      var chosen = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
      var all = chosen.length === 0;  /* nothing ticked = everything, like the server */
      table.querySelectorAll("[data-programme]").forEach(function (cell) {
        cell.hidden = !all && chosen.indexOf(cell.getAttribute("data-programme")) < 0;
      });
      var shown = 0;
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var mine = (row.getAttribute("data-programmes") || "").split(" ");
        var visible = all || mine.some(function (k) { return chosen.indexOf(k) >= 0; });
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      if (status) {
        status.textContent = shown + " of " + table.getAttribute("data-total") + " countries shown.";
      }
      if (window.location.protocol !== "file:" && window.history && window.history.replaceState) {
        /* the address bar follows the filter, so the view can be bookmarked (not for report files) */
        var params = new URLSearchParams();
        if (!all) { chosen.forEach(function (k) { params.append("programme", k); }); }
        var query = params.toString();
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
      }
    }
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
  }

  var PALETTE = ["#0b5cad", "#d17a00", "#2e7d32", "#8e24aa"];

  /* Charts: drawn with the vendored chart.js when it is there; the table stays as the fallback. */
  function drawChart(canvas) {
    if (typeof window.Chart !== "function") { return; }
    var spec = JSON.parse(canvas.getAttribute("data-spec"));
    var kind = canvas.getAttribute("data-chart");
    var unit = canvas.getAttribute("data-unit") || "";
    var horizontal = kind === "bar-h";
    var many = spec.series.length > 1;
    canvas.closest(".chart").classList.add("drawn");  /* show the box first: chart.js sizes to it */
    if (horizontal) {  /* one readable row per label, however many there are */
      canvas.parentNode.style.height = Math.max(160, spec.labels.length * (spec.series.length * 12 + 8) + 80) + "px";
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          return { label: s.label, data: s.values, backgroundColor: PALETTE[i % PALETTE.length] };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: many },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + c.formattedValue + unit; } } }
        },
        scales: horizontal
          ? { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false } } }
          : { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { autoSkip: false } } }
      }
    });
  }

  function start() {
    document.querySelectorAll("form[data-filter=programmes]").forEach(enhanceFilter);
    document.querySelectorAll("canvas[data-chart]").forEach(drawChart);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
