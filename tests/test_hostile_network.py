"""Untrusted documents and remote pages must not turn us against our own network.

Every case runs against the fake web, whose hosts stand for the addresses the test gives
them (``FakeWeb(addresses=...)``; a public one by default) and which also serves hosts
written as address literals (``169.254.169.254``): so "no request reached the address"
is asserted on what the fake web received, not assumed.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import auditor.cli
from auditor.check.addresses import AddressKind, ci_is_set, kind_of_host, literal_address
from auditor.check.headers import Header, parse_header
from auditor.check.settings import CheckSettings
from auditor.cli import main
from auditor.config import load
from auditor.errors import InputError
from auditor.fakeweb import FakeWeb, Site, echo_headers, not_found, page, redirect
from auditor.pipeline import Audit, check_sources
from auditor.sources import Format, Source
from auditor.sources import Site as Crawl
from auditor.verdict import Status

FAST = CheckSettings(timeout=2.0, retries=0, host_request_interval=0, archive_url=None, probe_soft_404=False)
STRICT = replace(FAST, exclude_all_private=True)
METADATA = "http://169.254.169.254/latest/meta-data/"
SECRET = page("<title>ami-id</title><p>AKIAEXAMPLE</p>")
ARTICLE = page("<title>Sarcoma</title><h1>Sarcoma</h1>" + "<p>About sarcoma.</p>" * 20)


@pytest.fixture(autouse=True)
def not_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test says whether it runs "in CI"; the suite's own CI variable must not decide."""
    monkeypatch.delenv("CI", raising=False)


# Every address a hostile document may try, as the fake web serves it: any request that
# gets through lands here and is logged.
PRIVATE_SITES: dict[str, Site] = {
    "169.254.169.254": {"*": SECRET},
    "127.0.0.1": {"*": SECRET},
    "0.0.0.0": {"*": SECRET},
    "::ffff:7f00:1": {"*": SECRET},
    "fe80::1": {"*": SECRET},
    "10.0.0.5": {"*": SECRET},
    "localhost": {"*": SECRET},
    "intranet.example.org": {"*": SECRET},
    "metadata.example.org": {"*": SECRET},
}
PRETEND = {"intranet.example.org": "10.0.0.5", "metadata.example.org": "169.254.169.254"}


def audit(
    folder: Path,
    markdown: str,
    sites: Mapping[str, Site],
    settings: CheckSettings = STRICT,
    *,
    inputs: tuple[str, ...] = (),
) -> tuple[Audit, FakeWeb]:
    """Check a Markdown document (and web ``inputs``) against the fake web: the audit and the web."""
    (folder / "doc.md").write_text(markdown)
    sources = [Source("doc.md", folder / "doc.md", Format.MARKDOWN)]
    sources += [Source(url, None, None, url=url) for url in inputs]

    async def go() -> tuple[Audit, FakeWeb]:
        async with FakeWeb({**PRIVATE_SITES, **sites}, addresses=PRETEND, https=False) as web:
            found = await check_sources(sources, settings, resolver=web.resolver)
        return found, web

    return asyncio.run(go())


def verdicts(found: Audit) -> dict[str, tuple[Status, str]]:
    """Status and reason by the address checked."""
    return {
        item.reference.key.removeprefix("url:"): (item.verdict.status, item.verdict.reason)
        for item in found.run.results
    }


# --- reading hosts as a browser does ----------------------------------------------------------

# (host as yarl gives it, kind): each form a hostile link may use to hide an address.
HOSTS = [
    ("169.254.169.254", AddressKind.LINK_LOCAL),
    ("0x7f000001", AddressKind.LOOPBACK),  # hex
    ("2130706433", AddressKind.LOOPBACK),  # one decimal number
    ("0177.0.0.1", AddressKind.LOOPBACK),  # octal
    ("127.1", AddressKind.LOOPBACK),  # two parts
    ("127.0.0.1.", AddressKind.LOOPBACK),  # trailing dot
    ("0", AddressKind.LOOPBACK),  # 0.0.0.0: Linux connects it to itself
    ("::ffff:7f00:1", AddressKind.LOOPBACK),  # [::ffff:127.0.0.1], IPv4-mapped
    ("[::1]", AddressKind.LOOPBACK),
    ("localhost", AddressKind.LOOPBACK),
    ("LOCALHOST.", AddressKind.LOOPBACK),
    ("api.localhost", AddressKind.LOOPBACK),
    ("0xa9.0xfe.0xa9.0xfe", AddressKind.LINK_LOCAL),
    ("fe80::1%eth0", AddressKind.LINK_LOCAL),
    ("64:ff9b::a9fe:a9fe", AddressKind.LINK_LOCAL),  # NAT64 of 169.254.169.254
    ("10.1.2.3", AddressKind.PRIVATE),
    ("172.31.0.1", AddressKind.PRIVATE),
    ("192.168.1.1", AddressKind.PRIVATE),
    ("100.64.0.1", AddressKind.PRIVATE),  # carrier-grade NAT
    ("fd12::1", AddressKind.PRIVATE),  # unique local
    ("2002:a00:1::", AddressKind.PRIVATE),  # 6to4 of 10.0.0.1
    ("93.184.215.14", None),
    ("203.0.113.80", None),  # documentation: leads nowhere, counts as public
    ("2606:4700::1", None),
    ("example.org", None),
    ("0x7f000001.example.org", None),  # a name, resolved like any other
    ("1.2.3.4.5", None),  # five parts: a name, not an address
    ("256.1.1.1", None),
]


@pytest.mark.parametrize(("host", "kind"), HOSTS, ids=[h for h, _ in HOSTS])
def test_hosts_are_read_as_browsers_read_them(host: str, kind: AddressKind | None) -> None:
    assert kind_of_host(host) is kind


def test_a_literal_is_read_to_the_address_connected_to() -> None:
    assert str(literal_address("0x7f000001")) == str(literal_address("127.1")) == "127.0.0.1"
    assert literal_address("example.org") is None


@pytest.mark.parametrize(
    ("value", "set_"), [("1", True), ("true", True), ("yes", True), ("", False), ("0", False), ("false", False)]
)
def test_ci_counts_as_set_unless_empty_zero_or_false(value: str, set_: bool) -> None:
    assert ci_is_set({"CI": value}) is set_
    assert ci_is_set({}) is False


# --- every request goes through the policy ----------------------------------------------------

# (id, the link as written in Markdown): each must be skipped, and reach nothing.
BYPASSES = [
    ("metadata", METADATA),
    ("hex", "http://0x7f000001/"),
    ("decimal", "http://2130706433/"),
    ("octal", "http://0177.0.0.1/"),
    ("short", "http://127.1/"),
    ("zero", "http://0/"),
    ("mapped", "http://[::ffff:127.0.0.1]/"),
    ("link-local v6", "http://[fe80::1]/"),
    ("localhost", "http://localhost/"),
    ("LOCALHOST.", "http://LOCALHOST./"),
    ("name to 10/8", "http://intranet.example.org/"),
    ("name to metadata", "http://metadata.example.org/latest/"),
]


@pytest.mark.parametrize("url", [u for _, u in BYPASSES], ids=[i for i, _ in BYPASSES])
def test_no_form_of_a_private_address_is_fetched(tmp_path: Path, url: str) -> None:
    found, web = audit(tmp_path, f"[x]({url})\n", {})
    [(status, reason)] = verdicts(found).values()
    assert status is Status.SKIPPED
    assert "refused (--exclude-all-private); allow with --allow-private" in reason
    assert web.requests == []
    assert found.run.requests == 0  # the summary does not count a refused request as sent


def test_with_allow_private_the_same_links_reach_the_fake_web(tmp_path: Path) -> None:
    """The control: the policy, not the fake web, is what stopped them."""
    markdown = "".join(f"[{i}]({url})\n" for i, (_, url) in enumerate(BYPASSES))
    found, web = audit(tmp_path, markdown, {}, replace(STRICT, allow_private=True))
    assert all(status is not Status.SKIPPED for status, _ in verdicts(found).values())
    assert len({r.host for r in web.requests}) >= 8


@pytest.mark.parametrize(
    ("flag", "refused", "allowed"),
    [
        ("exclude_link_local", METADATA, "http://127.0.0.1/"),
        ("exclude_loopback", "http://127.0.0.1/", "http://intranet.example.org/"),
        ("exclude_private", "http://intranet.example.org/", METADATA),
    ],
)
def test_each_flag_refuses_its_kind_only(tmp_path: Path, flag: str, refused: str, allowed: str) -> None:
    found, web = audit(tmp_path, f"[a]({refused})\n[b]({allowed})\n", {}, replace(FAST, **{flag: True}))
    seen = verdicts(found)
    assert seen[refused][0] is Status.SKIPPED and f"--{flag.replace('_', '-')}" in seen[refused][1]
    assert seen[allowed][0] is Status.OK
    assert len(web.requests) == 1


# (id, where the public page redirects to): the hop is refused, no request reaches it.
REDIRECTS = [
    ("to metadata", METADATA, "169.254.169.254"),
    ("to loopback hex", "http://0x7f000001/admin", "127.0.0.1"),
    ("to a private name", "http://intranet.example.org/", "intranet.example.org"),
    ("to localhost", "http://localhost:80/", "localhost"),
]


@pytest.mark.parametrize(("location", "host"), [r[1:] for r in REDIRECTS], ids=[r[0] for r in REDIRECTS])
def test_a_redirect_hop_to_a_private_address_is_refused(tmp_path: Path, location: str, host: str) -> None:
    sites: dict[str, Site] = {"www.example.org": {"/go": redirect(302, location)}}
    found, web = audit(tmp_path, "[go](http://www.example.org/go)\n", sites)
    [(status, reason)] = verdicts(found).values()
    assert status is Status.SKIPPED and "refused" in reason
    assert [r.host for r in web.requests] == ["www.example.org"]
    assert web.requests_to(host) == []
    [item] = found.run.results
    assert [hop.url for hop in item.verdict.redirects] == ["http://www.example.org/go"]


def test_a_redirect_to_file_is_not_followed(tmp_path: Path) -> None:
    sites: dict[str, Site] = {"www.example.org": {"/go": redirect(302, "file:///etc/passwd")}}
    found, _ = audit(tmp_path, "[go](http://www.example.org/go)\n", sites, FAST)
    [(status, reason)] = verdicts(found).values()
    assert status is Status.ERROR
    assert "file: address file:///etc/passwd" in reason and "the file" not in reason


def test_the_soft_404_probe_is_not_sent_to_a_refused_host(tmp_path: Path) -> None:
    link = "[deep](http://intranet.example.org/a/page)\n"
    probing = replace(STRICT, probe_soft_404=True)
    _, web = audit(tmp_path, link, {}, probing)
    assert web.requests_to("intranet.example.org") == []
    _, web = audit(tmp_path, link, {}, replace(probing, allow_private=True))  # the control: link and probe
    assert len(web.requests_to("intranet.example.org")) == 2


def test_a_cached_verdict_does_not_answer_for_a_refused_address(tmp_path: Path) -> None:
    """Checked last week with --allow-private, the link is refused today: skipped, not "ok from the cache"."""
    import datetime as dt

    from auditor.check.cache import CheckCache
    from auditor.history import History

    (tmp_path / "doc.md").write_text("[m](http://127.0.0.1/status)\n")
    sources = [Source("doc.md", tmp_path / "doc.md", Format.MARKDOWN)]

    async def go(settings: CheckSettings) -> Audit:
        async with FakeWeb(PRIVATE_SITES, https=False) as web:
            with History.open(tmp_path / "history.sqlite") as history:
                now = dt.datetime.now(dt.UTC)
                cache = await CheckCache.load(history, max_age=dt.timedelta(days=1), now=now)
                return await check_sources(sources, settings, resolver=web.resolver, cache=cache)

    assert [i.verdict.status for i in asyncio.run(go(replace(FAST, allow_private=True))).run.results] == [Status.OK]
    [item] = asyncio.run(go(STRICT)).run.results
    assert item.verdict.status is Status.SKIPPED and not item.verdict.cached


# --- the defaults -----------------------------------------------------------------------------


def run_cli(monkeypatch: pytest.MonkeyPatch, args: list[str], env: Mapping[str, str]) -> tuple[Any, FakeWeb]:
    """``auditor ARGS`` against the fake web (in-process, so its request log can be read)."""
    webs: list[FakeWeb] = []

    async def fake_check(sources: Any, settings: Any, regions: Any, **kwargs: Any) -> Audit:
        async with FakeWeb(PRIVATE_SITES, addresses=PRETEND, https=False) as web:
            webs.append(web)
            return await check_sources(sources, settings, regions, resolver=web.resolver, **kwargs)

    monkeypatch.setattr(auditor.cli, "check_sources", fake_check)
    result = CliRunner().invoke(main, args, env=dict(env), catch_exceptions=False)
    return result, webs[0]


@pytest.mark.parametrize(
    ("env", "flags", "reached"),
    [
        ({"CI": "1"}, [], False),
        ({"CI": "true"}, [], False),
        ({"CI": "false"}, [], True),
        ({}, [], True),
        ({"CI": "1"}, ["--allow-private"], True),
        ({}, ["--exclude-link-local", "--allow-private"], True),
    ],
    ids=["CI=1", "CI=true", "CI=false", "no CI", "CI=1 --allow-private", "allow wins over a flag"],
)
def test_in_ci_a_link_to_the_metadata_service_is_skipped_and_never_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], flags: list[str], reached: bool
) -> None:
    """The issue's acceptance test: with CI=1 the metadata address is skipped with a reason."""
    monkeypatch.chdir(tmp_path)
    Path("doc.md").write_text(f"See [the metadata]({METADATA}).\n")
    args = ["check", "doc.md", "--format", "json", "--no-archive", "--retries", "0", *flags]
    result, web = run_cli(monkeypatch, args, env)
    [item] = json.loads(result.stdout)["references"]
    assert bool(web.requests_to("169.254.169.254")) is reached
    if not reached:
        assert item["status"] == "skipped"
        assert item["reason"] == (
            "link-local address 169.254.169.254 refused (excluded by default: CI is set); allow with --allow-private"
        )
        assert result.exit_code == 0
    else:
        assert item["status"] == "ok"


def test_links_of_a_remote_page_are_refused_by_default(tmp_path: Path) -> None:
    sites: dict[str, Site] = {
        "www.example.org": {"/links.html": page(f'<a href="{METADATA}">m</a> <a href="/ok">ok</a>'), "/ok": ARTICLE}
    }
    found, web = audit(tmp_path, "", sites, FAST, inputs=("http://www.example.org/links.html",))
    seen = verdicts(found)
    assert seen[METADATA][0] is Status.SKIPPED and "an input is a remote page" in seen[METADATA][1]
    assert seen["http://www.example.org/ok"][0] is Status.OK
    assert web.requests_to("169.254.169.254") == []


def test_a_crawled_site_cannot_lead_us_to_the_metadata_service(tmp_path: Path) -> None:
    """Links of crawled pages, and pages the crawl would follow, are refused alike."""
    home = '<a href="/about">about</a> <a href="http://metadata.example.org/latest/">m</a>'
    sites: dict[str, Site] = {
        "www.example.org": {
            "/": page(home),
            "/about": redirect(301, METADATA),
            "/robots.txt": not_found(),
        }
    }

    async def go() -> tuple[Audit, FakeWeb]:
        start = "http://www.example.org/"
        async with FakeWeb({**PRIVATE_SITES, **sites}, addresses=PRETEND, https=False) as web:
            source = Source(start, None, None, url=start).crawled(Crawl(depth=3))
            return await check_sources([source], FAST, resolver=web.resolver), web

    found, web = asyncio.run(go())
    seen = verdicts(found)
    assert seen["http://metadata.example.org/latest/"][0] is Status.SKIPPED
    assert seen["http://www.example.org/about"][0] is Status.SKIPPED
    assert {r.host for r in web.requests} == {"www.example.org"}


@pytest.mark.parametrize("ci", [False, True], ids=["remote input", "CI=1"])
def test_the_default_spares_the_host_and_port_the_user_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: bool
) -> None:
    """``auditor check http://intranet:80/`` checks that site, not what its page points at elsewhere."""
    if ci:
        monkeypatch.setenv("CI", "1")
    home = (
        '<a href="/b">b</a> <a href="http://intranet.example.org:8080/">other port</a>'
        ' <a href="http://metadata.example.org/latest/">m</a>'
    )
    sites: dict[str, Site] = {"intranet.example.org": {"/": page(home), "/b": ARTICLE}}
    found, web = audit(tmp_path, "", sites, FAST, inputs=("http://intranet.example.org/",))
    seen = verdicts(found)
    assert seen["http://intranet.example.org/b"][0] is Status.OK
    assert seen["http://intranet.example.org:8080/"][0] is Status.SKIPPED
    assert seen["http://metadata.example.org/latest/"][0] is Status.SKIPPED
    assert web.requests_to("metadata.example.org") == []


def test_an_explicit_flag_spares_no_input(tmp_path: Path) -> None:
    sites: dict[str, Site] = {"intranet.example.org": {"/": page("<a href='/b'>b</a>")}}
    found, web = audit(tmp_path, "", sites, STRICT, inputs=("http://intranet.example.org/",))
    [problem] = found.extraction.problems
    assert "private address 10.0.0.5 refused (--exclude-all-private)" in str(problem)
    assert web.requests == []


def test_allow_private_in_targets_yaml(tmp_path: Path) -> None:
    (tmp_path / "targets.yaml").write_text("sources:\n  - path: doc.md\nchecks:\n  allow_private: true\n")
    settings = load(tmp_path / "targets.yaml").check_settings(**FAST_OVERRIDES)
    assert settings.allow_private
    settings = replace(settings, archive_url=None)
    found, web = audit(tmp_path, f"[m]({METADATA})\n", {}, replace(settings, exclude_all_private=True))
    assert verdicts(found)[METADATA][0] is Status.OK and web.requests_to("169.254.169.254")


FAST_OVERRIDES: dict[str, Any] = {"timeout": 2.0, "retries": 0, "host_request_interval": 0.0, "probe_soft_404": False}


# --- local files named by remote pages --------------------------------------------------------

REMOTE_FILES = [
    ("file: link", '<a href="file:///etc/hostname">h</a>'),
    ("base href file:///", '<base href="file:///"><a href="etc/hostname">h</a>'),
]


@pytest.mark.parametrize("html", [h for _, h in REMOTE_FILES], ids=[i for i, _ in REMOTE_FILES])
def test_a_remote_page_cannot_ask_about_our_disk(tmp_path: Path, html: str) -> None:
    sites: dict[str, Site] = {"www.example.org": {"/page.html": page(html)}}
    found, _ = audit(
        tmp_path, "", sites, replace(FAST, allow_private=True), inputs=("http://www.example.org/page.html",)
    )
    [item] = found.run.results
    assert item.reference.target.url == "file:///etc/hostname"  # type: ignore[union-attr]
    assert item.verdict.status is Status.SKIPPED
    assert "never looked up on this machine" in item.verdict.reason


def test_a_local_document_still_links_to_local_files(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n")
    found, _ = audit(tmp_path, "[o](other.md)\n", {}, FAST)
    assert [status for status, _ in verdicts(found).values()] == [Status.OK]


# --- headers ----------------------------------------------------------------------------------

# (id, where www.example.org/go redirects, whether the Authorization header reaches the echo)
HOPS = [
    ("same origin", "http://www.example.org/echo", True),
    ("same origin, port written", "http://www.example.org:80/echo", True),
    ("another host", "http://echo.example.net/echo", False),
    ("a subdomain", "http://api.www.example.org/echo", False),
]


@pytest.mark.parametrize(("location", "kept"), [h[1:] for h in HOPS], ids=[h[0] for h in HOPS])
def test_a_header_never_follows_a_redirect_to_another_origin(tmp_path: Path, location: str, kept: bool) -> None:
    echo: dict[str, Any] = {"*": echo_headers()}
    sites: dict[str, Site] = {
        "www.example.org": {"/go": redirect(302, location), "/echo": echo_headers()},
        "echo.example.net": echo,
        "api.www.example.org": echo,
    }
    settings = replace(FAST, headers=(("Authorization", "Bearer secret"),))
    _, web = audit(tmp_path, "[go](http://www.example.org/go)\n", sites, settings)
    first, last = web.requests
    assert first.headers["Authorization"] == "Bearer secret"
    assert ("Authorization" in last.headers) is kept
    assert last.headers["User-Agent"] == first.headers["User-Agent"]  # not a user header: always sent


def test_once_a_chain_leaves_the_origin_the_header_does_not_come_back(tmp_path: Path) -> None:
    sites: dict[str, Site] = {
        "www.example.org": {"/go": redirect(302, "http://echo.example.net/back"), "/echo": echo_headers()},
        "echo.example.net": {"/back": redirect(302, "http://www.example.org/echo")},
    }
    settings = replace(FAST, headers=(("Authorization", "Bearer secret"),))
    _, web = audit(tmp_path, "[go](http://www.example.org/go)\n", sites, settings)
    assert ["Authorization" in r.headers for r in web.requests] == [True, False, False]


def test_a_host_scoped_header_goes_to_its_host_only(tmp_path: Path) -> None:
    sites: dict[str, Site] = {
        "api.example.org": {"*": echo_headers()},
        "docs.api.example.org": {"*": echo_headers()},
        "www.example.org": {"*": echo_headers()},
    }
    headers = (
        parse_header("api.example.org Authorization: Bearer api"),
        parse_header("*.api.example.org X-Docs: yes"),
        parse_header("X-Team: docs"),
    )
    markdown = "[a](http://api.example.org/)\n[d](http://docs.api.example.org/)\n[w](http://www.example.org/)\n"
    _, web = audit(tmp_path, markdown, sites, replace(FAST, headers=headers))
    sent = {r.host: {k for k in ("Authorization", "X-Docs", "X-Team") if k in r.headers} for r in web.requests}
    assert sent == {
        "api.example.org": {"Authorization", "X-Team"},
        "docs.api.example.org": {"X-Docs", "X-Team"},
        "www.example.org": {"X-Team"},
    }


@pytest.mark.parametrize(
    ("written", "parsed"),
    [
        ("Authorization: Bearer x", Header("Authorization", "Bearer x")),
        ("X-Time: 12:30", Header("X-Time", "12:30")),  # a colon in the value
        ("api.example.org Authorization: Bearer x", Header("Authorization", "Bearer x", "api.example.org")),
        ("*.Example.org. X-A: b", Header("X-A", "b", "*.example.org")),
    ],
)
def test_header_syntax(written: str, parsed: Header) -> None:
    assert parse_header(written) == parsed


@pytest.mark.parametrize("written", ["no colon", "a b c: d", ": empty name", "bad/host Name: v"])
def test_a_malformed_header_is_a_usage_error(tmp_path: Path, written: str) -> None:
    (tmp_path / "x.md").write_text("nothing\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "x.md"), "--header", written])
    assert result.exit_code == 2
    assert "HOST Name: value" in result.output or "not a host name" in result.output


def test_headers_per_host_in_targets_yaml(tmp_path: Path) -> None:
    (tmp_path / "targets.yaml").write_text(
        "sources:\n  - path: doc.md\nchecks:\n  headers:\n"
        '    "*": {X-Team: docs}\n    api.example.org: {Authorization: Bearer x}\n'
    )
    settings = load(tmp_path / "targets.yaml").check_settings(headers=(parse_header("X-More: 1"),))
    assert settings.headers == (
        Header("X-Team", "docs"),
        Header("Authorization", "Bearer x", "api.example.org"),
        Header("X-More", "1"),
    )


# --- cookies ----------------------------------------------------------------------------------

JAR = "# Netscape HTTP Cookie File\nwww.example.org\tFALSE\t/\tFALSE\t0\tsession\tabc\n"


def test_the_cookie_jar_is_loaded_sent_and_saved(tmp_path: Path) -> None:
    jar = tmp_path / "cookies.txt"
    jar.write_text(JAR)
    sites: dict[str, Site] = {
        "www.example.org": {"/": page("<title>Hi</title>", headers={"Set-Cookie": "fresh=1; Path=/; Max-Age=3600"})},
        "other.example.net": {"*": echo_headers()},
    }
    settings = replace(FAST, cookie_jar=str(jar))
    _, web = audit(tmp_path, "[w](http://www.example.org/)\n[o](http://other.example.net/)\n", sites, settings)
    assert web.requests_to("www.example.org")[0].headers["Cookie"] == "session=abc"
    assert "Cookie" not in web.requests_to("other.example.net")[0].headers  # cookies keep to their host
    saved = {line.split("\t")[5]: line.split("\t") for line in jar.read_text().splitlines() if "\t" in line}
    assert saved.keys() == {"session", "fresh"}
    assert saved["session"][0] == "www.example.org" and saved["session"][1] == "FALSE"  # still host-only
    assert int(saved["fresh"][4]) > 0
    assert jar.stat().st_mode & 0o077 == 0


def test_without_a_cookie_jar_no_cookie_is_kept(tmp_path: Path) -> None:
    sites: dict[str, Site] = {
        "www.example.org": {
            "/set": page("<title>Hi</title>", headers={"Set-Cookie": "fresh=1; Path=/"}),
            "/echo": echo_headers(),
        }
    }
    _, web = audit(tmp_path, "[a](http://www.example.org/set)\n", sites, replace(FAST, max_concurrency=1))
    _, web = audit(tmp_path, "[b](http://www.example.org/echo)\n", sites, FAST)
    assert "Cookie" not in web.requests[0].headers


def test_a_bad_cookie_jar_names_the_file_and_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("cookies.txt").write_text("this is not a cookie file\n")
    Path("doc.md").write_text("[w](http://www.example.org/)\n")
    with pytest.raises(InputError, match=r"cookies\.txt: not a Netscape cookies\.txt file"):
        audit(tmp_path, "", {}, replace(FAST, cookie_jar="cookies.txt"))
    result, _ = run_cli(monkeypatch, ["check", "doc.md", "--cookie-jar", "cookies.txt"], {})
    assert result.exit_code == 2
    assert "auditor: error: cookies.txt: not a Netscape cookies.txt file" in result.stderr


# --- the archive ------------------------------------------------------------------------------


def test_the_archive_is_asked_only_about_public_addresses(tmp_path: Path) -> None:
    archive: dict[str, Site] = {"archive.test": {"*": not_found()}, "www.example.org": {"*": not_found()}}
    markdown = (
        "[pub](http://www.example.org/gone)\n[intra](http://intranet.example.org/gone)\n"
        "[loop](http://127.0.0.1/gone)\n[local](http://localhost/gone)\n[nx](http://no-such-host.example/gone)\n"
    )
    dead = {"intranet.example.org": {"*": not_found()}, "127.0.0.1": {"*": not_found()}}
    settings = replace(FAST, allow_private=True, archive_url="http://archive.test/web/")
    found, web = audit(tmp_path, markdown, {**archive, **dead, "localhost": {"*": not_found()}}, settings)
    assert {status for status, _ in verdicts(found).values()} == {Status.DEAD}
    assert [r.path_qs for r in web.requests_to("archive.test")] == ["/web/http://www.example.org/gone"]


# --- the fake web's addresses -----------------------------------------------------------------


def test_fake_web_hosts_stand_for_declared_or_public_addresses() -> None:
    async def go() -> None:
        sites: dict[str, Site] = {"a.example": {"*": ARTICLE}, "b.example": {"*": ARTICLE}, "10.1.1.1": {"*": ARTICLE}}
        async with FakeWeb(sites, addresses={"B.example.": "10.0.0.9"}, https=False) as web:
            assert web.resolver.stands_for("a.example") == "203.0.113.80"
            assert web.resolver.stands_for("b.example") == "10.0.0.9"
            assert web.resolver.stands_for("10.1.1.1") == "10.1.1.1"

    asyncio.run(go())
    with pytest.raises(ValueError, match="undeclared hosts"):
        FakeWeb({}, addresses={"nowhere.example": "10.0.0.1"})


def test_an_undeclared_address_literal_never_leaves_the_fake_web(tmp_path: Path) -> None:
    witness = {"www.iana.org": {"*": page("IANA")}}  # the network works: the address itself is gone
    settings = replace(FAST, allow_private=True, outage_witnesses=("http://www.iana.org/",))
    found, web = audit(tmp_path, "[x](http://192.0.2.1/)\n", witness, settings)
    [(status, reason)] = verdicts(found).values()
    assert status is Status.DEAD and "does not exist" in reason
    assert [request.host for request in web.requests] == ["www.iana.org"]  # the outage witness only


# --- --exclude holds on every redirect hop -------------------------------------------------------


def test_exclude_applies_to_each_redirect_hop(tmp_path: Path) -> None:
    sites = {
        "www.example.org": {"/go": redirect(302, "http://intranet.corp.example/admin")},
        "intranet.corp.example": {"*": page("<title>Admin</title>")},
    }
    settings = replace(FAST, exclude=(re.compile(r"corp\.example"),))
    found, web = audit(tmp_path, "[go](http://www.example.org/go)\n", sites, settings)
    [(status, reason)] = verdicts(found).values()
    assert status is Status.SKIPPED
    assert reason == "redirects to http://intranet.corp.example/admin: excluded by --exclude corp\\.example"
    assert web.requests_to("intranet.corp.example") == []
