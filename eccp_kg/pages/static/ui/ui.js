// The query UI: YASGUI (vendored) pointed at this server's /sparql endpoint.
// Everything project-specific (endpoint path, prefixes, vocabulary, competency queries) comes from
// the JSON document the server renders into #eccp-ui-config; nothing is spelled twice here, and
// nothing this page does while you type asks any host but this server.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("eccp-ui-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var byName = {};
  config.examples.forEach(function (example) { byName[example.name] = example; });
  var prefixMap = {};
  config.prefixes.forEach(function (pair) { prefixMap[pair[0]] = pair[1]; });
  // A new tab starts with a short example that declares only the prefixes it uses
  // (queries/ui/new-tab.rq); /sparql predeclares every project prefix anyway.
  var starter = config.newTab;

  // --- completions from our own data (YASQE's stock class and property completers ask LOV) ---
  var PN_LOCAL = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

  function prefixed(iri) {
    var best = null;
    config.prefixes.forEach(function (pair) {
      if (iri.indexOf(pair[1]) === 0 && (!best || pair[1].length > best[1].length)) { best = pair; }
    });
    if (!best) { return null; }
    var local = iri.slice(best[1].length);
    return PN_LOCAL.test(local) && !/\.$/.test(local) ? best[0] + ":" + local : null;
  }

  // Both forms go into the completion trie: prefixed names (what you type) and full IRIs (after '<').
  function terms(kind) {
    var out = [];
    (config.vocabulary[kind] || []).forEach(function (iri) {
      out.push(iri);
      var name = prefixed(iri);
      if (name) { out.push(name); }
    });
    return out;
  }

  // What is typed -> what the trie is searched for; `eccpForm` says how a suggestion goes back.
  function preProcess(yasqe, token) {
    var text = token.string.trim();
    token.autocompletionString = text;
    token.eccpForm = "prefixed";
    if (text.charAt(0) === "<") {
      token.autocompletionString = text.slice(1).replace(/>$/, "");
      token.eccpForm = "iri";
      return token;
    }
    var colon = text.indexOf(":");
    if (colon >= 0) {
      var prefix = text.slice(0, colon);
      var declared = yasqe.getPrefixesFromQuery()[prefix];
      if (declared != null && declared !== prefixMap[prefix]) {  // the query's own namespace for it
        token.autocompletionString = declared + text.slice(colon + 1);
        token.tokenPrefix = prefix + ":";
        token.tokenPrefixUri = declared;
        token.eccpForm = "expanded";
      }
    }
    return token;
  }

  function postProcess(yasqe, token, suggestion) {
    if (token.eccpForm === "iri") { return "<" + suggestion + ">"; }
    if (token.eccpForm === "expanded") { return token.tokenPrefix + suggestion.slice(token.tokenPrefixUri.length); }
    return suggestion;
  }

  // Never kept in localStorage: each page load takes the served build's vocabulary.
  function noStorage() { return ""; }
  var Yasqe = Yasgui.Yasqe;
  ["class", "property"].forEach(function (kind) {
    Yasqe.forkAutocompleter(kind, {
      name: kind, bulk: true, autoShow: true, persistenceId: noStorage,
      get: function () { return terms(kind); },
      preProcessToken: preProcess, postProcessSuggestion: postProcess,
    });
  });
  Yasqe.forkAutocompleter("prefixes", {
    name: "prefixes", persistenceId: noStorage,
    get: function () { return config.prefixes.map(function (pair) { return pair[0] + ": <" + pair[1] + ">"; }); },
  });

  // --- the project's prefixes count as declared, as /sparql predeclares them ------------------
  // YASQE's tokenizer flags every prefix the query does not declare (a gutter warning and a red
  // run button), though the server runs such a query. Its start state gets the project's table
  // as the prototype of `prefixes`: a predeclared name is known, the query's own PREFIX lines
  // (own properties) still win, and getPrefixesFromQuery keeps returning only those, so the
  // stock "add the PREFIX line" and the completers above see what the query itself declares.
  function predeclareProjectPrefixes() {
    var table = Object.create(null);
    config.prefixes.forEach(function (pair) { table[pair[0]] = pair[1]; });
    var sparql11 = Yasqe.modes && Yasqe.modes.sparql11;
    if (typeof sparql11 !== "function") { return false; }
    Yasqe.defineMode("sparql11", function (cmConfig, modeConfig) {
      var mode = sparql11(cmConfig, modeConfig);
      var startState = mode.startState;
      mode.startState = function () {
        var state = startState.apply(this, arguments);
        state.prefixes = Object.assign(Object.create(table), state.prefixes);
        return state;
      };
      return mode;
    });
    var fromQuery = Yasqe.prototype.getPrefixesFromQuery;
    Yasqe.prototype.getPrefixesFromQuery = function () { return Object.assign({}, fromQuery.call(this)); };
    return true;
  }
  var predeclared = predeclareProjectPrefixes();

  // --- errors as a sentence, marked in the editor -------------------------------------------
  var abortedAt = 0;

  function clearMark(yasqe) {
    var found = yasqe && yasqe.eccpErrorMark;
    if (!found) { return; }
    if (found.mark) { found.mark.clear(); }
    if (found.widget) { found.widget.clear(); }
    yasqe.eccpErrorMark = null;
  }

  function markError(yasqe, error) {
    clearMark(yasqe);
    if (!yasqe || !error.line) { return; }
    var line = Math.min(Math.max(error.line - 1, 0), yasqe.lastLine());
    var text = yasqe.getLine(line);
    var from = Math.min(Math.max((error.column || 1) - 1, 0), text.length);
    var to = Math.min(Math.max((error.end_column || error.column + 1) - 1, from + 1), text.length);
    if (to <= from) { from = Math.max(text.length - 1, 0); to = text.length; }  // past the end: its last character
    var note = document.createElement("div");
    note.className = "eccp-error-note";
    note.textContent = error.detail;
    yasqe.eccpErrorMark = {
      mark: yasqe.markText({ line: line, ch: from }, { line: line, ch: to },
                           { className: "eccp-error-mark", attributes: { title: error.detail } }),
      widget: yasqe.addLineWidget(line, note),
    };
    if (!yasqe.eccpClearsMarks) {
      yasqe.eccpClearsMarks = true;
      yasqe.on("change", function () { clearMark(yasqe); });
    }
  }

  function paragraph(className, text) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  // The server's error body (one shape, docs/endpoint.md), or null for anything else.
  function errorBody(text) {
    try { return JSON.parse(text || "").error || null; } catch (ignored) { return null; }
  }

  // The editor is marked once per response, when it arrives (YASQE's queryResponse event: an Error
  // whose message is the body when the server refused the query). Never from the renderer below:
  // YASR runs it again on every redraw, which would bring a mark back after an edit cleared it.
  function watchResponses(yasqe) {
    if (!yasqe || yasqe.eccpWatchesResponses) { return; }
    yasqe.eccpWatchesResponses = true;
    yasqe.on("queryResponse", function (instance, response) {
      var body = response instanceof Error ? errorBody(response.message) : null;
      if (body && body.line) { markError(yasqe, body); } else { clearMark(yasqe); }
    });
  }

  // YASR error renderer: the error body as a sentence (drawn again on each redraw; marks nothing).
  function renderError(error) {
    var box = document.createElement("div");
    box.className = "eccp-query-error";
    box.setAttribute("role", "alert");
    var body = errorBody(error.text);
    if (body) {
      box.appendChild(paragraph("eccp-error-title", body.title + " (" + body.status + ")"));
      box.appendChild(paragraph("eccp-error-detail", body.detail));
      if (body.line) {
        box.appendChild(paragraph("eccp-error-where", "The editor marks the position (line " + body.line +
          ") until you change the query."));
      }
    } else if (Date.now() - abortedAt < 60000) {
      box.appendChild(paragraph("eccp-error-title", "Query stopped"));
      box.appendChild(paragraph("eccp-error-detail", "You stopped the query before it finished, so no results were loaded " +
        "(the server stops its work on it too). Run it again to see its results."));
      abortedAt = 0;
    } else {
      box.appendChild(paragraph("eccp-error-title", "The query could not be sent"));
      box.appendChild(paragraph("eccp-error-detail", (error.text || "No answer from " + endpoint) +
        (error.status ? " (HTTP " + error.status + ")" : "")));
    }
    return Promise.resolve(box);
  }

  // --- short links: POST /q stores the query under its content hash -------------------------
  function shortLink(yasqe) {
    var form = new URLSearchParams();
    form.set("query", yasqe.getValue());
    return fetch(new URL(config.shortLinks, window.location.href).href, {
      method: "POST", body: form, headers: { Accept: "application/json" },
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error((data.error && data.error.detail) || response.statusText); }
        return data.url;
      });
    });
  }

  // Each tab's YASR takes its error renderers from Yasr.defaults (after YASGUI's http-from-https notice).
  Yasgui.Yasr.defaults.errorRenderers = [renderError];
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    // ?query= and #query= links are opened below, reusing the tab that holds the same query.
    populateFromUrl: false,
    // Only our endpoint in the endpoint picker: the UI must not suggest (or reach) other hosts.
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "eccp-kg-ui",
    yasqe: { value: starter, createShortLink: shortLink },
    // Results show project prefixes (xsd:integer, skos:Concept) even when a query does not declare them.
    yasr: { prefixes: prefixMap },
  });
  yasgui.on("queryAbort", function () { abortedAt = Date.now(); });
  // queryBefore comes before the request is sent, so the response listener is in place in time.
  yasgui.on("queryBefore", function (instance, tab) {
    clearMark(tab.getYasqe());
    watchResponses(tab.getYasqe());
  });

  // A tab persisted from an earlier visit keeps its endpoint; point tabs still on the starter's
  // default (or on another origin's /sparql) at this server.
  Object.keys(yasgui._tabs).forEach(function (id) {
    var tab = yasgui.getTab(id);
    if (tab && new URL(tab.getEndpoint(), window.location.href).origin !== window.location.origin) {
      tab.setEndpoint(endpoint);
    }
  });

  function sameQuery(a, b) { return (a || "").trim() === (b || "").trim(); }

  // The tab holding `query` (selected), else a new one; so a link opened twice adds no second tab.
  function openQuery(query, name) {
    var found = yasgui.persistentConfig.getTabs().filter(function (id) {
      var tab = yasgui.persistentConfig.getTab(id);
      return tab && tab.yasqe && sameQuery(tab.yasqe.value, query);
    })[0];
    if (found) {
      if (yasgui.getTab().getId() !== found) { yasgui.selectTabId(found); }
      return yasgui.getTab(found);
    }
    return yasgui.addTab(true, { name: name, yasqe: { value: query }, requestConfig: { endpoint: endpoint } });
  }

  // Open a competency query in its own tab (or re-select the tab already showing it).
  function openExample(name) {
    var example = byName[name];
    if (!example) { return null; }
    var tab = openQuery(example.query, example.name);
    document.querySelectorAll(".eccp-example").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-example") === name));
    });
    return tab;
  }

  document.querySelectorAll(".eccp-example").forEach(function (button) {
    button.addEventListener("click", function () { openExample(button.getAttribute("data-example")); });
  });

  function run(tab) {
    if (tab && tab.getYasqe()) { tab.query().catch(function () {}); }
  }

  // /queries links here as /?example=<name>; pages link a query as /?query=... (YASGUI's own share
  // links put it after '#'); a short link /q/ID renders this page with the stored query.
  var params = new URLSearchParams(window.location.search);
  var fromHash = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  var linked = config.open ? config.open : (params.get("query") || fromHash.get("query")) ?
    { name: params.get("tabTitle") || fromHash.get("tabTitle") || "Query", query: params.get("query") || fromHash.get("query") } : null;
  if (params.get("example")) {
    openExample(params.get("example"));
  } else if (linked) {
    run(openQuery(linked.query, linked.name));
  }

  // For scripts and tests: the YASGUI instance and the openers.
  window.eccpUi = { yasgui: yasgui, openExample: openExample, openQuery: openQuery, endpoint: endpoint,
                    predeclared: predeclared };
})();
