"""HTML to PDF with WeasyPrint for the mission report, never touching the network.

The report's HTML is ours, but organisation names, summaries and next steps are typed by
people: an `<img src="http://...">` in a summary is escaped by the template, and even so the
fetcher below answers only files under STATIC_URL found by the static files finders (the
report's stylesheets). Anything else, http(s), file:// or data, is refused, so rendering a
PDF can neither leak the server's files nor wait on a remote host.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# A base URL that is not a real host: relative links resolve under it, and only the
# static prefix under it is answered.
BASE_URL = "https://report.invalid/"


class StaticOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix):
            raise ValueError(f"Refused to fetch {url!r}: only the report's static files.")
        path = url[len(prefix) :].split("?")[0].split("#")[0]
        if ".." in path.split("/"):
            raise ValueError(f"Refused to fetch {url!r}: no way out of the static files.")
        found = finders.find(path)
        if not found:
            raise ValueError(f"No static file for {url!r}.")
        body = Path(found).read_bytes()
        mime = "text/css" if found.endswith(".css") else "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})


def static_css(path: str) -> CSS:
    return CSS(
        url=BASE_URL + settings.STATIC_URL.lstrip("/") + path, url_fetcher=StaticOnlyFetcher()
    )


def html_to_pdf(html: str, *, stylesheets: list[str]) -> bytes:
    """`stylesheets`: paths under the static files ("css/report.css")."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(stylesheets=[static_css(path) for path in stylesheets])
