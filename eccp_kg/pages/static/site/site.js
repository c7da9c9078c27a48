/* The site search box (every page): suggestions from /search.json as you type, an ARIA combobox.
   Without JavaScript the box is a plain GET form to /search. */
(function () {
  "use strict";

  function enhance(input) {
    var url = input.getAttribute("data-suggest");
    var list = document.createElement("ul");
    list.className = "eccp-suggest";
    list.id = input.id + "-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var items = [], active = -1, timer = null, asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function show(results) {
      list.textContent = "";
      items = results;
      results.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("data-href", r.href);
        li.appendChild(document.createTextNode(r.label + " "));
        var small = document.createElement("small");
        small.textContent = [r.code, r.kind].filter(Boolean).join(" \u00b7 ");
        li.appendChild(small);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); window.location.href = r.href; });
        list.appendChild(li);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", String(results.length > 0));
    }
    function highlight(i) {
      var options = list.querySelectorAll("li");
      options.forEach(function (li, j) { li.setAttribute("aria-selected", String(i === j)); });
      active = i;
      if (i >= 0) { input.setAttribute("aria-activedescendant", options[i].id); }
    }
    function ask() {
      var q = input.value.trim();
      if (q === asked) { return; }
      asked = q;
      if (!q) { close(); return; }
      fetch(url + "?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (doc) { if (input.value.trim() === q) { show(doc.results || []); } })
        .catch(function () { close(); });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 120); });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); window.location.href = items[active].href; }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  function start() { document.querySelectorAll("input[data-suggest]").forEach(enhance); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
