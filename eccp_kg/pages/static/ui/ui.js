// The query UI: YASGUI (vendored) pointed at this server's /sparql endpoint.
// Everything project-specific (endpoint path, prefixes, competency queries) comes from the
// JSON document the server renders into #eccp-ui-config; nothing is spelled twice here.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("eccp-ui-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var byName = {};
  config.examples.forEach(function (example) { byName[example.name] = example; });

  // PREFIX lines for every project prefix, the start of every new tab.
  var prologue = config.prefixes.map(function (pair) {
    return "PREFIX " + pair[0] + ": <" + pair[1] + ">";
  }).join("\n");
  var prefixMap = {};
  config.prefixes.forEach(function (pair) { prefixMap[pair[0]] = pair[1]; });
  // A new tab starts with a short example that declares only the prefixes it uses
  // (queries/ui/new-tab.rq); /sparql itself needs every prefix a query uses declared.
  var starter = config.newTab;

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    // Only our endpoint in the endpoint picker: the UI must not suggest (or reach) other hosts.
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "eccp-kg-ui",
    yasqe: { value: starter },
    // Results show project prefixes (xsd:integer, skos:Concept) even when a query does not declare them.
    yasr: { prefixes: prefixMap },
  });

  // A tab persisted from an earlier visit keeps its endpoint; point tabs still on the starter's
  // default (or on another origin's /sparql) at this server.
  Object.keys(yasgui._tabs).forEach(function (id) {
    var tab = yasgui.getTab(id);
    if (tab && new URL(tab.getEndpoint(), window.location.href).origin !== window.location.origin) {
      tab.setEndpoint(endpoint);
    }
  });

  // Open a competency query in its own tab (or re-select the tab already showing it).
  function openExample(name) {
    var example = byName[name];
    if (!example) { return null; }
    var tab = yasgui.addTab(true, {
      name: example.name,
      yasqe: { value: example.query },
      requestConfig: { endpoint: endpoint },
    }, { avoidDuplicateTabs: true });
    document.querySelectorAll(".eccp-example").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-example") === name));
    });
    return tab;
  }

  document.querySelectorAll(".eccp-example").forEach(function (button) {
    button.addEventListener("click", function () { openExample(button.getAttribute("data-example")); });
  });

  // /queries links here as /?example=<name>.
  var requested = new URLSearchParams(window.location.search).get("example");
  if (requested) { openExample(requested); }

  // For scripts and tests: the YASGUI instance and the example opener.
  window.eccpUi = { yasgui: yasgui, openExample: openExample, endpoint: endpoint };
})();
