"""Server settings and `eccp-kg serve` options: ONE table of names, defaults and meanings.

`SERVE_OPTIONS` feeds the Flask config defaults (`DEFAULTS`, read by `create_app`), the
command line of `eccp-kg serve` (its options, types and --help) and the options table of
docs/endpoint.md (`docs_table`; tests/test_protocol_serve_options.py compares the two, and
`python -m eccp_kg.server.config` prints the table to paste). Change an option here only."""
from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eccp_kg.graph.layout import DEFAULT_OUT, DEFAULT_STORE
from eccp_kg.graph.namespaces import DEFAULT_BASE_IRI


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0 (0 usually switches the thing off)."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or a positive integer, got {text}")
    return value


def positive_seconds(text: str) -> float:
    """argparse type: a number of seconds > 0."""
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text}")
    return value


def cpu_count() -> int:
    """CPU cores this process may run on (the default number of HTTP processes)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@dataclass(frozen=True)
class Option:
    """One `eccp-kg serve` option: its flag, the Flask config key it sets (None: an option of the
    HTTP server only), default, how the default reads in help and docs, and what it means
    (Markdown; the CLI help shows it without backticks)."""

    flag: str
    key: str | None
    default: Any
    shown: str
    meaning: str
    metavar: str | None = None
    type: Callable[[str], Any] | None = None
    nargs: str | None = None
    to_config: Callable[[Any], Any] | None = None  # parsed value -> config value (default: as is)

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")

    def docs_row(self) -> str:
        """The option's row of the docs table."""
        usage = self.flag + (f" {self.metavar}" if self.metavar else "") + (" ..." if self.nargs in ("*", "+") else "")
        return f"| `{usage}` | {self.shown} | {self.meaning} |"

    def help(self) -> str:
        """The --help text: the meaning and the default, without Markdown."""
        text = f"{self.meaning}; default: {self.shown}"
        return text.replace("`", "").replace("**", "").replace("%", "%%")


SERVE_OPTIONS: tuple[Option, ...] = (
    Option("--store", "STORE_DIR", DEFAULT_STORE, f"`{DEFAULT_STORE}`",
           "the pyoxigraph store `eccp-kg build` wrote; opened **read-only** (`Store.read_only`)", metavar="DIR"),
    Option("--data", "DATA_FILES", None, "–",
           "serve these RDF files from an in-memory store instead of `--store`; syntax by suffix: `.ttl .turtle` "
           "Turtle, `.nt .ntriples` N-Triples, `.nq .nquads` N-Quads, `.trig` TriG, `.rdf .owl .xml` RDF/XML, "
           "`.jsonld .json` JSON-LD (triples of triple formats go to the default graph)",
           metavar="FILE", nargs="+", to_config=lambda v: list(v or [])),
    Option("--backend", "BACKEND", None, "none: the embedded store (`--store`)",
           "evaluate every query (pages, explorer, `/sparql`) on this remote SPARQL 1.1 endpoint instead, which holds a "
           "build loaded with `eccp-kg push` (e.g. `http://HOST:7878/query` for the Oxigraph server, "
           "`http://HOST:8890/sparql` for Virtuoso); see docs/deploy.md", metavar="QUERY_URL"),
    Option("--host", None, "127.0.0.1", "`127.0.0.1`", "interface to bind", metavar="H"),
    Option("--port", None, None, "`$PORT`, else `8000`", "TCP port", metavar="N", type=int),
    Option("--workers", "QUERY_WORKERS", 2, "`2`",
           "worker **processes** evaluating user queries in each HTTP process (each opens the store read-only, or "
           "copies a store of at most 100,000 quads into its memory: about twice as fast)",
           metavar="N", type=positive_int),
    Option("--worker-memory", "WORKER_MEMORY", 1024 * 1024 * 1024, "`1073741824` (1 GiB)",
           "heap bytes per worker (RLIMIT_DATA; the store's file mappings do not count); a query needing more makes "
           "its worker abort: `503 Query Too Expensive`, worker replaced; `0` = unlimited",
           metavar="N", type=non_negative_int),
    Option("--threads", None, 8, "`8`",
           "threads running the app in each HTTP process (granian's blocking threads; a thread waiting for a query "
           "worker holds no GIL, so a few more than `--workers`; requests beyond the free query workers wait for "
           "one, within the timeout)", metavar="N", type=positive_int),
    Option("--http-processes", None, cpu_count(), "number of CPU cores",
           "HTTP worker processes (granian workers) accepting on one listening socket, each with its own "
           "`--workers` query workers, `--threads` threads and `--cache-bytes` result cache; see \"HTTP processes\"",
           metavar="N", type=positive_int),
    Option("--spare-workers", "SPARE_WORKERS", 1, "`1`",
           "started query workers kept aside that take a killed worker's place at once (a new one needs 1-2 s to start)",
           metavar="N", type=non_negative_int),
    Option("--client-workers", "CLIENT_WORKERS", 0, "`0` (= `--workers` - 1, at least 1)",
           "query workers one client (IP address) may use at once; the rest stay free for others",
           metavar="N", type=non_negative_int),
    Option("--client-queue", "CLIENT_QUEUE", 4, "`4`",
           "queries one client may have waiting for its workers; more get `503 Too Many Queries` at once",
           metavar="N", type=non_negative_int),
    Option("--queue-timeout", "QUEUE_TIMEOUT", 10.0, "`10`",
           "seconds a query may wait for one of its client's workers before `503 Too Many Queries` (with `Retry-After`)",
           metavar="S", type=positive_seconds),
    Option("--timeout", "QUERY_TIMEOUT", 30.0, "`30`",
           "seconds a user query may take (waiting for a worker included) before `503`",
           metavar="S", type=positive_seconds),
    Option("--max-rows", "MAX_ROWS", 100_000, "`100000`",
           "result rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per query before `400 Result Too Large`",
           metavar="N", type=positive_int),
    Option("--max-result-bytes", "MAX_RESULT_BYTES", 128 * 1024 * 1024, "`134217728` (128 MiB)",
           "serialised result size at which a query is stopped (`400 Result Too Large`, with `limit_bytes`); "
           "bounds a worker's memory long before the timeout", metavar="N", type=positive_int),
    Option("--body-timeout", "BODY_TIMEOUT", 30.0, "`30`",
           "seconds a request body may take to arrive after its headers before `408 Request Timeout` (a client "
           "that declares more bytes than it sends is not waited for)", metavar="S", type=positive_seconds),
    Option("--max-request-bytes", "MAX_REQUEST_BYTES", 1_000_000, "`1000000`",
           "largest request body (`413`) or query string (`414`)", metavar="N", type=positive_int),
    Option("--cache-bytes", "CACHE_BYTES", 64 * 1024 * 1024, "`67108864` (64 MiB)",
           "memory of the serialised results kept (LRU) for repeated queries, each counted with its key and "
           "objects; `0` disables; one result larger than a quarter of it is not kept", metavar="N", type=non_negative_int),
    Option("--max-age", "CACHE_MAX_AGE", 300, "`300`",
           "`Cache-Control: public, max-age=S` on results and the service description",
           metavar="S", type=non_negative_int),
    Option("--cors-origin", "CORS_ORIGINS", None, "`*`",
           "origins browsers may call from; `*` = any; the option with no value turns CORS off",
           metavar="O", nargs="*", to_config=lambda v: ["*"] if v is None else list(v)),
    Option("--service-allowlist", "SERVICE_ALLOWLIST", None, "none",
           "SPARQL endpoints user queries may call with `SERVICE`; empty = federation off",
           metavar="URL", nargs="*", to_config=lambda v: list(v or [])),
    Option("--reload-interval", "RELOAD_INTERVAL", 1.0, "`1`",
           "seconds between looks at `--store` for a new build, which is then served without a restart "
           "(each request sees the old build or the new one, never a mix; every request also follows the link, so all "
           "HTTP processes switch at once); `0` = serve the first one until stopped",
           metavar="S", type=float),
    Option("--links-dir", "LINKS_DIR", DEFAULT_OUT + "/links", f"`{DEFAULT_OUT}/links`",
           "folder of the queries stored as short links (`POST /q`, `/q/ID`), one file per query named by its "
           "content hash; created on the first link", metavar="DIR"),
    Option("--base-iri", "BASE_IRI", None, f"the served build's (`build-info.json`, else its one `B graph/meta`, in the store or in the `--backend` engine), else `{DEFAULT_BASE_IRI}`",
           "base IRI of minted resources, mapped onto the server's root (the pages)", metavar="IRI"),
)

#: Flask config key -> default, for `create_app` (the serve options' values, plus keys only
#: code sets: IN_PROCESS evaluates user queries in the server process, for in-process tests).
DEFAULTS: dict[str, Any] = {
    **{o.key: (o.to_config(o.default) if o.to_config else o.default) for o in SERVE_OPTIONS if o.key},
    "IN_PROCESS": False,
}


def setting(config: Any, key: str) -> Any:
    """A config value with the documented default."""
    return config.get(key, DEFAULTS[key])


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    """Every option of SERVE_OPTIONS on an argparse parser (`eccp-kg serve`)."""
    for o in SERVE_OPTIONS:
        kwargs: dict[str, Any] = {"default": o.default, "help": o.help()}
        for name in ("metavar", "type", "nargs"):
            if getattr(o, name) is not None:
                kwargs[name] = getattr(o, name)
        parser.add_argument(o.flag, **kwargs)


def config_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """Flask settings for parsed serve options."""
    out = {}
    for o in SERVE_OPTIONS:
        if o.key is not None:
            value = getattr(args, o.dest)
            out[o.key] = o.to_config(value) if o.to_config else value
    return out


def docs_table() -> str:
    """The options table of docs/endpoint.md."""
    return "\n".join(["| option | default | meaning |", "|---|---|---|", *(o.docs_row() for o in SERVE_OPTIONS)])


if __name__ == "__main__":
    print(docs_table())
