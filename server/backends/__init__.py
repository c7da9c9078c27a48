"""Where the server's queries are evaluated: the one backend seam.

Every SPARQL query the server runs goes through one object in ``app.extensions["eccp_kg"]`` with
the interface of graph.dataset.Dataset (the pages, explorer, service description and VoID call
``select`` / ``construct`` / ``ask``, ``named_graphs``, ``graph_triple_counts``, ``len`` and read
``build_id``), and user queries through the server.evaluator.Evaluator it provides:

| backend | dataset | user queries | chosen by |
|---|---|---|---|
| embedded (default) | graph.dataset.Dataset over the built pyoxigraph store | server.pool.WorkerPool | `--store DIR` |
| remote | server.backends.remote.RemoteDataset | server.backends.remote.RemoteEvaluator | `--backend QUERY_URL` |

A backend that evaluates elsewhere provides ``evaluator_factory()``; the embedded one has a
``store`` the worker pool opens. See docs/deploy.md for running on a remote engine."""
