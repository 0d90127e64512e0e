"""The cross-run cache: healthy results are reused, failures never are, older ones are revalidated.

Each test runs the checker twice (or more) against the fake web with the same history
file and asserts on the fake web's request log: what was asked again, and with which
conditional headers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import sqlite3
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web as aioweb

from auditor.check.cache import CheckCache, verdict_from_json, verdict_to_json
from auditor.check.settings import CheckSettings
from auditor.fakeweb import FakeWeb, not_found, page, redirect, status
from auditor.history import History
from auditor.pipeline import Audit, check_sources
from auditor.report import checked
from auditor.sources import Format, Site, Source
from auditor.verdict import Finding, FindingKind, Hop, PageFacts, Status, Verdict

MONDAY = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
ARTICLE = "<title>Sarcoma</title><h1>Sarcoma</h1>" + "<p>What sarcoma is and how it is treated.</p>" * 10
ETAG = '"v1"'
LAST_MODIFIED = "Mon, 02 Nov 2026 10:00:00 GMT"

DOCUMENT = """\
Reviewed: June 2026
Our article: https://www.example.org/article
Moved: https://www.example.org/old
Gone: https://www.example.org/gone
Versioned: https://www.example.org/versioned
"""


async def _versioned(request: aioweb.Request) -> aioweb.Response:
    """A page with validators that answers 304 to a request carrying them."""
    headers = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
    if request.headers.get("If-None-Match") == ETAG:
        return aioweb.Response(status=304, headers=headers)
    return aioweb.Response(text=ARTICLE, content_type="text/html", headers=headers)


def sites() -> dict[str, Any]:
    return {
        "www.example.org": {
            "/article": page(ARTICLE),
            "/old": redirect(301, "/article"),
            "/gone": status(404),
            "/versioned": _versioned,
            "*": not_found(),
        }
    }


async def audit(
    tmp_path: Path,
    web: FakeWeb,
    *,
    now: dt.datetime,
    max_age: dt.timedelta = DAY,
    sources: list[Source] | None = None,
) -> Audit:
    """One run of ``check_sources`` with the cache in tmp_path/history.sqlite, as of ``now``."""
    document = tmp_path / "leaflet.txt"
    if not document.exists():
        document.write_text(DOCUMENT)
    with History.open(tmp_path / "history.sqlite") as history:
        cache = await CheckCache.load(history, max_age=max_age, now=now)
        return await check_sources(
            sources or [Source(str(document), document, Format.TEXT)],
            CheckSettings(host_request_interval=0, retries=0),
            resolver=web.resolver,
            ssl=web.client_ssl,
            cache=cache,
        )


def asked(web: FakeWeb, since: int = 0) -> Counter[str]:
    """Paths asked of www.example.org since request number ``since`` (the soft-404 probe left out)."""
    return Counter(r.path_qs for r in web.requests[since:] if "no-such-page" not in r.path_qs)


def synchronous(test: Callable[..., Any]) -> Callable[..., Any]:
    """Run an async test with asyncio.run (as the other tests here do)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(test(*args, **kwargs))

    return run


def by_text(run: Audit) -> Mapping[str, Verdict]:
    return {item.reference.text: item.verdict for item in run.run.results}


@synchronous
async def test_a_second_run_within_max_age_asks_only_for_what_failed(tmp_path: Path) -> None:
    async with FakeWeb(sites()) as web:
        first = await audit(tmp_path, web, now=MONDAY)
        # /article twice: once for itself, once at the end of /old's redirect
        assert asked(web) == Counter({"/article": 2, "/old": 1, "/gone": 1, "/versioned": 1})
        assert not any(item.verdict.cached for item in first.run.results)
        before = len(web.requests)
        second = await audit(tmp_path, web, now=MONDAY + dt.timedelta(hours=2))
    assert asked(web, before) == Counter({"/gone": 1})  # a failure is asked again, every run
    verdicts = by_text(second)
    assert verdicts["https://www.example.org/gone"].status is Status.DEAD
    assert not verdicts["https://www.example.org/gone"].cached
    for text, status_ in [
        ("https://www.example.org/article", Status.OK),
        ("https://www.example.org/old", Status.MOVED),
        ("https://www.example.org/versioned", Status.OK),
    ]:
        assert verdicts[text].status is status_
        assert verdicts[text].cached
    assert verdicts["https://www.example.org/old"].suggestion == "https://www.example.org/article"
    assert second.run.cached == 3


@synchronous
async def test_cached_results_are_marked_in_the_json_and_counted_in_the_summary(tmp_path: Path) -> None:
    async with FakeWeb(sites()) as web:
        await audit(tmp_path, web, now=MONDAY)
        second = await audit(tmp_path, web, now=MONDAY + dt.timedelta(hours=1))
    document = checked.to_dict(second.extraction, second.run, {Status.DEAD})
    assert document["summary"]["cached"] == 3
    cached = {ref["text"]: ref["cached"] for ref in document["references"]}
    assert cached["https://www.example.org/gone"] is False
    assert cached["https://www.example.org/article"] is True
    assert "3 cached" in checked.to_text(second.run, {Status.DEAD})


@synchronous
async def test_failures_are_never_stored(tmp_path: Path) -> None:
    async with FakeWeb(sites()) as web:
        await audit(tmp_path, web, now=MONDAY)
    keys = {row[0] for row in sqlite3.connect(tmp_path / "history.sqlite").execute("SELECT key FROM cached_check")}
    assert "https://www.example.org/gone" not in keys
    assert "https://www.example.org/article" in keys


@synchronous
async def test_an_older_result_is_revalidated_with_conditional_headers_and_a_304_keeps_it(tmp_path: Path) -> None:
    async with FakeWeb(sites()) as web:
        first = await audit(tmp_path, web, now=MONDAY)
        before = len(web.requests)
        second = await audit(tmp_path, web, now=MONDAY + 7 * DAY)
        again = [r for r in web.requests[before:] if r.path_qs == "/versioned"]
        assert len(again) == 1
        assert again[0].headers["If-None-Match"] == ETAG
        assert again[0].headers["If-Modified-Since"] == LAST_MODIFIED
        article = [r for r in web.requests[before:] if r.path_qs == "/article"]
        assert "If-None-Match" not in article[0].headers  # it sent no validators: asked in full
        # A 304 stored the result anew: the next run within max-age asks nothing of it.
        before = len(web.requests)
        await audit(tmp_path, web, now=MONDAY + 7 * DAY + dt.timedelta(hours=1))
        assert "/versioned" not in asked(web, before)
    kept = by_text(second)["https://www.example.org/versioned"]
    assert kept.status is Status.OK and kept.cached
    assert kept.reason == by_text(first)["https://www.example.org/versioned"].reason
    assert second.run.cached == 1  # only the revalidated one; the others were asked again


@synchronous
async def test_a_cached_address_that_now_fails_is_reported_and_forgotten(tmp_path: Path) -> None:
    web_sites = sites()
    async with FakeWeb(web_sites) as web:
        await audit(tmp_path, web, now=MONDAY)
        web_sites["www.example.org"]["/article"] = status(410)
        second = await audit(tmp_path, web, now=MONDAY + 2 * DAY)  # past max-age: asked again
        assert by_text(second)["https://www.example.org/article"].status is Status.DEAD
        third = await audit(tmp_path, web, now=MONDAY + 2 * DAY + dt.timedelta(minutes=5))
    again = by_text(third)["https://www.example.org/article"]
    assert again.status is Status.DEAD and not again.cached  # forgotten when it failed: asked again


@synchronous
async def test_validators_are_not_sent_to_an_address_that_redirected(tmp_path: Path) -> None:
    web_sites = sites()
    web_sites["www.example.org"]["/old"] = redirect(301, "/versioned")
    async with FakeWeb(web_sites) as web:
        await audit(tmp_path, web, now=MONDAY)
        before = len(web.requests)
        await audit(tmp_path, web, now=MONDAY + 7 * DAY)
        old = [r for r in web.requests[before:] if r.path_qs == "/old"]
    assert old and "If-None-Match" not in old[0].headers


@synchronous
async def test_a_fragment_needs_the_page_s_anchors_which_a_plain_check_did_not_keep(tmp_path: Path) -> None:
    async with FakeWeb(sites()) as web:
        await audit(tmp_path, web, now=MONDAY)
        document = tmp_path / "other.txt"
        document.write_text("See https://www.example.org/article#no-such-anchor\n")
        before = len(web.requests)
        run = await audit(tmp_path, web, now=MONDAY + dt.timedelta(hours=1), sources=[Source("o", document, None)])
        assert asked(web, before) == Counter({"/article": 1})
    verdict = run.run.results[0].verdict
    assert [f.kind for f in verdict.findings] == [FindingKind.MISSING_FRAGMENT]


SITE = {
    "/robots.txt": page("User-agent: *\nDisallow:\n", content_type="text/plain"),
    "/": page('<title>Home</title><a href="/a">A</a> <a href="/b">B</a> <a href="/missing">M</a>'),
    "/a": page('<title>A</title><a href="/b">B</a> <a href="https://other.example.net/x">x</a>'),
    "/b": page('<title>B</title><a href="/">home</a>'),
    "*": not_found(),
}


@synchronous
async def test_a_warm_crawl_reads_no_page_again_and_finds_the_same(tmp_path: Path) -> None:
    web_sites = {"www.example.org": dict(SITE), "other.example.net": {"/x": page(ARTICLE), "*": not_found()}}
    start = Source("https://www.example.org/", None, None, url="https://www.example.org/").crawled(Site())
    async with FakeWeb(web_sites) as web:
        cold = await audit(tmp_path, web, now=MONDAY, sources=[start])
        before = len(web.requests)
        warm = await audit(tmp_path, web, now=MONDAY + dt.timedelta(hours=1), sources=[start])
        again = asked(web, before)
    assert set(again) <= {"/robots.txt", "/sitemap.xml", "/missing"}  # the site's rules, its sitemap, a failure
    assert [s.name for s in warm.extraction.sources] == [s.name for s in cold.extraction.sources]
    assert warm.extraction.crawls[0].cached == warm.extraction.crawls[0].pages == 3
    cold_verdicts = {i.reference.key: i.verdict.status for i in cold.run.results}
    assert {i.reference.key: i.verdict.status for i in warm.run.results} == cold_verdicts
    assert {i.reference.key: i.reference.locations for i in warm.run.results} == {
        i.reference.key: i.reference.locations for i in cold.run.results
    }


@synchronous
async def test_a_crawled_page_that_changed_is_read_again_after_max_age(tmp_path: Path) -> None:
    web_sites = {"www.example.org": dict(SITE), "other.example.net": {"*": page(ARTICLE)}}
    start = Source("https://www.example.org/", None, None, url="https://www.example.org/").crawled(Site())
    async with FakeWeb(web_sites) as web:
        await audit(tmp_path, web, now=MONDAY, sources=[start])
        web_sites["www.example.org"]["/b"] = page('<title>B</title><a href="/c">C</a>')
        web_sites["www.example.org"]["/c"] = page("<title>C</title>")
        warm = await audit(tmp_path, web, now=MONDAY + 2 * DAY, sources=[start])
    assert "https://www.example.org/c" in [s.name for s in warm.extraction.sources]


def test_a_verdict_survives_the_cache_s_json() -> None:
    verdict = Verdict(
        Status.MOVED,
        "301 to https://b.example/",
        http_status=200,
        final_url="https://b.example/",
        redirects=(Hop("https://a.example/", 301),),
        suggestion="https://b.example/",
        domain_changed=True,
        findings=(Finding(FindingKind.STALE, "dated 2019", date="2019-01-01"),),
        page=PageFacts("B", "2019-01-01", "meta", "abc", '"e"', "Tue, 01 Jan 2019 00:00:00 GMT"),
        checked_at=MONDAY,
    )
    assert verdict_from_json(verdict_to_json(verdict)) == verdict


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        pytest.param(["--cache"], 0, id="reused with --cache"),
        pytest.param([], 3, id="off by default for check"),
    ],
)
def test_check_uses_the_cache_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: list[str], expected: int
) -> None:
    from click.testing import CliRunner

    import auditor.pipeline as engine
    from auditor.cli import main

    document = tmp_path / "leaflet.txt"
    document.write_text("https://www.example.org/article\nhttps://www.example.org/versioned\n")
    state: dict[str, Any] = {}
    original: Callable[..., Any] = engine.check_sources

    async def through(*args: Any, **kwargs: Any) -> Audit:
        async with FakeWeb(sites()) as web:
            result = await original(*args, **kwargs, resolver=web.resolver, ssl=web.client_ssl)
            state["requests"] = len(web.requests)
        return result

    monkeypatch.setattr("auditor.cli.check_sources", through)
    cache_file = str(tmp_path / "cache.sqlite")
    args = ["check", str(document), "--no-progress", "--host-request-interval", "0", "--cache-file", cache_file]
    assert CliRunner().invoke(main, [*args, *flag]).exit_code == 0
    assert CliRunner().invoke(main, [*args, *flag]).exit_code == 0
    assert state["requests"] == expected  # in the second run


@synchronous
async def test_two_crawls_of_one_site_read_each_page_once_and_forget_nothing(tmp_path: Path) -> None:
    web_sites = {"www.example.org": dict(SITE), "other.example.net": {"*": page(ARTICLE)}}
    start = Source("https://www.example.org/", None, None, url="https://www.example.org/").crawled(Site())
    async with FakeWeb(web_sites) as web:
        run = await audit(tmp_path, web, now=MONDAY, sources=[start, start])
        assert asked(web)["/"] == 1
    assert run.extraction.problems == ()  # the second crawl found its pages read, not failing
    stored = sqlite3.connect(tmp_path / "history.sqlite").execute("SELECT key FROM cached_page").fetchall()
    assert sorted(key for (key,) in stored) == [
        "https://www.example.org/",
        "https://www.example.org/a",
        "https://www.example.org/b",
    ]
