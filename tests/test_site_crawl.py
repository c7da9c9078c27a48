"""A crawl of the whole site from / (issue 12, part 8), in-process over the REAL build: every link
and asset any HTML page points to on this site answers (no 4xx/5xx), and every page reached is HTML
with the site header. Bounded: at most MAX_URLS URLs."""
from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from tests.exploring import explore_client, store_dir  # noqa: F401  (fixtures)

MAX_URLS = 8000
#: Links that only re-order or re-filter a page already crawled: checked, not followed further.
VARIANTS = ("sort=", "order=", "measure=", "programme=", "country=", "query=", "example=")


class PageLinks(HTMLParser):
    """What the crawl reads of a page: whether it has the site header, and every <a>/<link> href and
    <script> src. The standard library's tokenizer, not html5lib's tree builder: the crawl parses
    ~1,200 pages and html5lib took a quarter of its time; a link is a start tag either way."""

    def __init__(self, text: str):
        super().__init__()
        self.header, self.refs = False, []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "header" and values.get("class") == "eccp-header":
            self.header = True
        ref = values.get("href") if tag in ("a", "link") else values.get("src") if tag == "script" else None
        if ref:
            self.refs.append(ref)


def test_crawl_from_root_finds_no_broken_link(explore_client):
    seen = {"/"}
    queue = deque(["/"])
    broken, pages = [], 0
    while queue:
        url = queue.popleft()
        accept = "text/turtle" if url == "/sparql" else "text/html"
        r = explore_client.get(url, headers={"Accept": accept})
        if r.status_code >= 400:
            broken.append((url, r.status_code))
            continue
        if r.mimetype != "text/html" or (urlsplit(url).query and any(v in url for v in VARIANTS)):
            continue
        pages += 1
        doc = PageLinks(r.get_data(as_text=True))
        assert doc.header, url
        for ref in doc.refs:
            if ref.startswith(("mailto:", "javascript:")):
                continue
            target = urlsplit(urljoin("http://localhost" + url, ref))
            if target.netloc != "localhost":
                continue  # another site: never fetched
            path = target.path + (f"?{target.query}" if target.query else "")
            if path not in seen:
                seen.add(path)
                assert len(seen) <= MAX_URLS, "the crawl did not end"
                queue.append(path)
    assert broken == [], broken[:20]
    assert pages > 100  # the crawl reached the resource pages, not only the front pages
