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
      /* the map and the network follow the same filter */
      document.querySelectorAll("#partner-map path[data-programmes]").forEach(function (path) {
        var mine = path.getAttribute("data-programmes").split(" ");
        path.classList.toggle("dim", !all && !mine.some(function (k) { return chosen.indexOf(k) >= 0; }));
      });
      document.querySelectorAll("#network [data-programmes], #network line[data-programme]").forEach(function (el) {
        var mine = (el.getAttribute("data-programmes") || el.getAttribute("data-programme")).split(" ");
        el.classList.toggle("hidden", !all && !mine.some(function (k) { return chosen.indexOf(k) >= 0; }));
      });
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


  /* Sortable tables: a header link sorts on the server (no JavaScript needed); here the same rows
     are sorted in the page with the server's rule (eccp_kg/explore/sort.py): missing values ("–")
     last, numbers by value, text lower-cased, ties in the query's order (data-index). */
  function cellValue(cell) {
    var v = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (v === "" || v === "\u2013") { return null; }
    return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v.toLowerCase();
  }
  function compare(a, b) {
    var na = typeof a === "number", nb = typeof b === "number";
    if (na !== nb) { return na ? -1 : 1; }
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  function enhanceSort(table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th[data-sort]"));
    if (!heads.length) { return; }
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    var box = table.closest(".scroll") || table;  /* outside the scrolling box, so it never widens the page */
    box.parentNode.insertBefore(status, box.nextSibling);
    heads.forEach(function (th) {
      var control = th.querySelector("a.sort");
      if (!control) {  /* the static report: no server to sort, so a button */
        control = document.createElement("button");
        control.type = "button";
        control.className = "sort";
        while (th.firstChild) { control.appendChild(th.firstChild); }
        th.appendChild(control);
      }
      control.addEventListener("click", function (e) {
        e.preventDefault();
        var order = th.getAttribute("aria-sort") === "ascending" ? "desc" : "asc";
        sortBy(table, th, order);
        heads.forEach(function (h) { if (h !== th) { h.removeAttribute("aria-sort"); } });
        th.setAttribute("aria-sort", order === "asc" ? "ascending" : "descending");
        var label = th.textContent.replace(/, sort (a|de)scending$/, "");
        status.textContent = "Sorted by " + label + ", " + (order === "asc" ? "ascending" : "descending") + ".";
        if (window.location.protocol !== "file:" && window.history && window.history.replaceState) {
          var params = new URLSearchParams(window.location.search);
          params.set("sort", table.id + "." + th.getAttribute("data-sort"));
          params.set("order", order);
          window.history.replaceState(null, "", window.location.pathname + "?" + params.toString() + "#" + table.id);
        }
      });
    });
  }
  function sortBy(table, th, order) {
    var column = Array.prototype.indexOf.call(th.parentNode.children, th);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row) {
      return { row: row, value: cellValue(row.cells[column]), index: Number(row.getAttribute("data-index")) };
    });
    var present = rows.filter(function (r) { return r.value !== null; });
    var missing = rows.filter(function (r) { return r.value === null; });
    present.sort(function (a, b) {
      var c = compare(a.value, b.value);
      return (order === "desc" ? -c : c) || (a.index - b.index);
    });
    missing.sort(function (a, b) { return a.index - b.index; });
    present.concat(missing).forEach(function (r) { body.appendChild(r.row); });
  }


  /* The partnership network: the server drew a radial layout; d3-force (vendored) relaxes it.
     Run to rest at once (no animation), then fit the result into the drawing. */
  function layoutNetwork(svg) {
    if (!window.d3 || typeof window.d3.forceSimulation !== "function") { return; }
    var size = svg.viewBox.baseVal.width;
    var nodes = Array.prototype.map.call(svg.querySelectorAll("g.node"), function (g) {
      var m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute("transform"));
      return { id: g.getAttribute("data-node"), el: g, x: Number(m[1]), y: Number(m[2]),
               r: Number(g.querySelector("circle").getAttribute("r")) };
    });
    var byId = {};
    nodes.forEach(function (n) { byId[n.id] = n; });
    var lines = Array.prototype.slice.call(svg.querySelectorAll("line[data-source]"));
    var links = lines.map(function (l) {
      return { source: l.getAttribute("data-source"), target: l.getAttribute("data-target"), el: l };
    });
    var sim = window.d3.forceSimulation(nodes)
      .force("link", window.d3.forceLink(links).id(function (n) { return n.id; }).distance(90).strength(0.2))
      .force("charge", window.d3.forceManyBody().strength(-140))
      .force("collide", window.d3.forceCollide().radius(function (n) { return n.r + 3; }))
      .force("center", window.d3.forceCenter(size / 2, size / 2))
      .stop();
    for (var i = 0; i < 300; i += 1) { sim.tick(); }
    var xs = nodes.map(function (n) { return n.x; }), ys = nodes.map(function (n) { return n.y; });
    var pad = 30, minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var k = Math.min((size - 2 * pad) / Math.max(1, maxX - minX), (size - 2 * pad) / Math.max(1, maxY - minY));
    nodes.forEach(function (n) {
      n.px = pad + (n.x - minX) * k; n.py = pad + (n.y - minY) * k;
      n.el.setAttribute("transform", "translate(" + n.px.toFixed(1) + "," + n.py.toFixed(1) + ")");
    });
    links.forEach(function (l) {
      l.el.setAttribute("x1", l.source.px.toFixed(1)); l.el.setAttribute("y1", l.source.py.toFixed(1));
      l.el.setAttribute("x2", l.target.px.toFixed(1)); l.el.setAttribute("y2", l.target.py.toFixed(1));
    });
    svg.setAttribute("data-layout", "force");
  }

  /* The regions map's measure: choosing applies at once (the button stays for keyboards without JS). */
  function autoSubmit(select) {
    var apply = select.form.querySelector(".apply");
    if (apply) { apply.hidden = true; }  /* the choice applies at once: the button is for pages without JavaScript */
    select.addEventListener("change", function () { select.form.submit(); });
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
    document.querySelectorAll("table[id]").forEach(enhanceSort);
    document.querySelectorAll("svg#network").forEach(layoutNetwork);
    document.querySelectorAll("select[data-autosubmit]").forEach(autoSubmit);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
