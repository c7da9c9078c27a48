"""One site: the header, navigation, favicon and page frame every HTML page shares (issue 12, part 7).

Why one module: the query UI, the resource pages, the explorer (also rendered into the static
report, outside Flask), the ontology documentation (written by pyLODE) and the error pages are
made by four different renderers. They all take the site navigation from `NAV` and the frame from
`templates/site/header.html` and `static/site/site.css` (package eccp_kg.pages), so the site looks and reads as one."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, request, send_from_directory
from jinja2 import Environment, PackageLoader, select_autoescape

from eccp_kg.pages import STATIC

bp = Blueprint("site", __name__)

#: The site navigation: (label, path). `path` is below the server's root (SCRIPT_NAME).
NAV: tuple[tuple[str, str], ...] = (
    ("Query", "/"),
    ("Examples", "/queries"),
    ("Explore", "/explore"),
    ("Search", "/search"),
    ("Dataset", "/dataset"),
    ("Ontology", "/ontology"),
    ("Shapes", "/shapes"),
    ("SPARQL endpoint", "/sparql"),
)


def nav(root: str, path: str) -> list[dict[str, Any]]:
    """The navigation items with their URLs under `root`; `current` marks the section `path` is in."""
    items = []
    for label, target in NAV:
        here = path == target if target == "/" else (path == target or path.startswith(target + "/"))
        items.append({"label": label, "href": root + target, "current": here})
    return items


_env: Environment | None = None


def _environment() -> Environment:
    global _env
    if _env is None:
        _env = Environment(loader=PackageLoader("eccp_kg.pages", "templates"), autoescape=select_autoescape(["html"]))
    return _env


def header_html(root: str, path: str, search: bool = True) -> str:
    """The site header as HTML, for pages not rendered by Flask's templates (errors, ontology)."""
    template = _environment().get_template("site/header.html")
    return str(template.module.header(nav(root, path), root, search))  # type: ignore[attr-defined]


def head_html(root: str) -> str:
    """The <head> lines every page has: viewport, favicon and the site stylesheet."""
    return (f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="{root}/static/site/favicon.svg" type="image/svg+xml">'
            f'<link rel="stylesheet" href="{root}/static/site/site.css">')


def framed(page: str, root: str, path: str, css: tuple[str, ...] = ()) -> str:
    """A whole HTML document from another renderer (pyLODE), given the site's head and header;
    `css` are further stylesheets under /static/ (after the renderer's own styles)."""
    head = head_html(root)
    extra = "".join(f'<link rel="stylesheet" href="{root}/static/{c}">' for c in css)
    if extra and "</head>" in page:
        page = page.replace("</head>", extra + "</head>", 1)
    if "<head>" in page:
        page = page.replace("<head>", "<head>" + head, 1)
    if '<div id="content">' in page and "</body>" in page:  # the skip link's target, and a landmark
        page = page.replace('<div id="content">', '<main id="main" tabindex="-1"><div id="content">', 1)
        page = page[::-1].replace("</body>"[::-1], ("</main>" + "</body>")[::-1], 1)[::-1]
    body_at = page.find("<body")
    if body_at >= 0:
        end = page.find(">", body_at) + 1
        page = page[:end] + header_html(root, path) + page[end:]
    return page


@bp.app_context_processor
def _site_context() -> dict[str, Any]:
    """`site_nav` for the Flask templates (ui/base.html)."""
    return {"site_nav": nav(request.script_root, request.path)}


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico on pages without an icon link (JSON, Turtle): answer with ours."""
    return send_from_directory(STATIC / "site", "favicon.svg", mimetype="image/svg+xml", max_age=86400)


def install(app: Flask) -> None:
    """Register the site blueprint (favicon, navigation for templates)."""
    app.register_blueprint(bp)
