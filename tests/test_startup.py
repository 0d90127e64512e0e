"""What a plain `auditor check` imports: only what it uses (docs/checking.md, "Start-up").

A one-link check once spent most of its CPU importing: tldextract's fetcher (requests,
urllib3), aiohttp (two TLS contexts built at import) under the curl transport, c-ares
for mail lookups, the report formats not asked for. Each is loaded where it is needed."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

#: Loaded only when needed: a Markdown file of plain links checked over curl needs none.
NOT_FOR_A_PLAIN_CHECK = [
    "aiohttp",  # the fallback transport, the fake web, cookie jars
    "apprise",  # notify.urls, when an audit notifies
    "requests",  # tldextract's fetcher: the suffix list is the bundled one
    "tldextract",  # a registrable domain is asked for only when a host changes or a bare name is read
    "aiodns",  # MX lookups, with the first mail address
    "pycares",
    "http.cookiejar",  # --cookie-jar
    "charset_normalizer",  # a document that is not UTF-8
    "auditor.report.html",  # -o report.html / --format html
    "auditor.report.junit",
    "auditor.report.sarif",
    "pydantic",  # targets.yaml, when there is one (here there is none)
    "yaml",
    "dask",  # --cluster only (auditor.cluster.session)
    "distributed",
    "auditor.cluster.session",
]

_RUN = """
import sys
from auditor.cli import entry_point
sys.argv = ["auditor", *sys.argv[1:]]
try:
    entry_point()
except SystemExit as done:
    print("exit", done.code, file=sys.stderr)
print(" ".join(sorted(sys.modules)))
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    """A local web server (no real web) serving two pages from ``tmp_path / "www"``."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "a.html").write_text("<html><head><title>A</title></head><body><p>Page A</p></body></html>")
    (root / "b.html").write_text("<html><head><title>B</title></head><body><p>Page B</p></body></html>")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: _Quiet(*a, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_plain_check_over_curl_imports_only_what_it_uses(site: str, tmp_path: Path) -> None:
    doc = tmp_path / "links.md"
    doc.write_text(f"# Links\n\nSee [A]({site}/a.html) and [B]({site}/b.html), or <{site}/a.html>.\n")
    done = subprocess.run(
        [sys.executable, "-c", _RUN, "check", str(doc), "-q", "--transport", "curl"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,  # no targets.yaml here
    )
    assert "exit 0" in done.stderr  # both links checked and found: the run did its work
    loaded = set(done.stdout.split())
    assert [name for name in NOT_FOR_A_PLAIN_CHECK if name in loaded] == []
