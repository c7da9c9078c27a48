"""A crawl of the whole site from / (issue 12, part 8), in-process over the REAL build: every link
and asset any HTML page points to on this site answers (no 4xx/5xx), and every page reached is HTML
with the site header. Bounded: at most MAX_URLS URLs."""
from __future__ import annotations

from collections import deque
from urllib.parse import urljoin, urlsplit

import html5lib

from tests.exploring import explore_client, store_dir  # noqa: F401  (fixtures)

MAX_URLS = 8000
#: Links that only re-order or re-filter a page already crawled: checked, not followed further.
VARIANTS = ("sort=", "order=", "measure=", "programme=", "country=", "query=", "example=")


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
        doc = html5lib.parse(r.get_data(as_text=True), namespaceHTMLElements=False)
        assert doc.find(".//header[@class='eccp-header']") is not None, url
        for el in doc.iter():
            ref = el.get("href") if el.tag in ("a", "link") else el.get("src") if el.tag == "script" else None
            if not ref or ref.startswith(("mailto:", "javascript:")):
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
