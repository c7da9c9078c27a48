"""The explorer without a web framework: its views' queries, the shaping of their rows, the
maps, sorting, CSV/JSON exports and the HTML rendering, shared by the live server (server/explore.py,
the Flask blueprint) and the static report (`eccp-kg report`).

Why a package below server/: the report must render the same pages without starting or importing
the server (docs/architecture.md, tests/test_layers.py). Modules: queries (the view queries and how
they run), views (shaping rows into a view's data), compare (countries and editions), maps (the maps
and network of a view) over geometry (map shapes and projection), sort, export, render, report."""
