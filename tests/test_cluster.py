"""A check on a Dask cluster gives the verdicts a single process gives (docs/scale.md).

``--cluster local:2`` starts a LocalCluster of two worker processes; they reach the fake
web of the test (its servers listen on 127.0.0.1, its resolver travels as a routing table)
and check the web addresses in host shards, while phones, e-mails and files are checked
by the coordinator. The JSON reports of both runs are compared whole, timings aside.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import pickle
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from auditor.check.addresses import AddressPolicy
from auditor.check.cache import CheckCache
from auditor.check.remap import parse_remap
from auditor.check.settings import CheckSettings
from auditor.check.transport import MockTransport, Network
from auditor.cli import main
from auditor.cluster.address import ClusterAddress, parse_cluster
from auditor.cluster.network import NetworkSpec
from auditor.cluster.shards import MIN_SHARD, plan
from auditor.cluster.worker import ShardJob, ShardResult, check_shard
from auditor.demo import DEMO_FILES, demo_web
from auditor.errors import ClusterError
from auditor.fakeweb import FakeWeb, Refused, Unresolvable, html_page, redirect
from auditor.history import StoredCheck
from auditor.inputfiles import InputPolicy
from auditor.pipeline import Audit, check_sources
from auditor.reference import Reference, Url
from auditor.report import formats
from auditor.report.formats import ReportFormat
from auditor.sources import Source, resolve_inputs
from auditor.verdict import DEFAULT_FAIL_ON, Checked, Status

pytest.importorskip("distributed", reason="the cluster extra: pip install 'reference-auditor[cluster]'")

LOCAL_2 = parse_cluster("local:2")
#: Fast and patient enough for a web on this machine (the demo's own overrides).
QUICK = CheckSettings(host_request_interval=0.0, retries=0, timeout=5.0)


# -- the address ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("local:2", ClusterAddress(workers=2)),
        (" local:1 ", ClusterAddress(workers=1)),
        ("tcp://scheduler.internal:8786", ClusterAddress(scheduler="tcp://scheduler.internal:8786")),
        ("tls://10.0.0.5:8786/", ClusterAddress(scheduler="tls://10.0.0.5:8786")),
        ("tcp://[::1]:8786", ClusterAddress(scheduler="tcp://[::1]:8786")),
    ],
    ids=["local", "local-spaces", "tcp", "tls-slash", "ipv6"],
)
def test_a_cluster_is_local_workers_or_a_schedulers_address(written: str, expected: ClusterAddress) -> None:
    assert parse_cluster(written) == expected


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("local:0", "1 to 256"),
        ("local:9999", "1 to 256"),
        ("local", "local:2 for two worker processes"),
        ("http://scheduler:8786", "tcp://HOST:8786"),
        ("scheduler:8786", "tcp://HOST:8786"),
        ("tcp://host:99999", "no such port"),
        ("tcp://host:8786/path", "tcp://HOST:8786"),
    ],
    ids=["no-workers", "too-many", "no-count", "http", "no-scheme", "bad-port", "a-path"],
)
def test_a_wrong_cluster_address_says_what_to_write(written: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_cluster(written)


# -- shards --------------------------------------------------------------------------------


def _places(sizes: dict[str, int]) -> list[tuple[int, str]]:
    places, index = [], 0
    for domain, count in sizes.items():
        for _ in range(count):
            places.append((index, domain))
            index += 1
    return places


def test_shards_keep_a_domain_whole_batch_small_ones_and_put_the_biggest_first() -> None:
    sizes = {"huge.org": 5 * MIN_SHARD, **{f"small{n}.org": 10 for n in range(200)}, "mid.org": MIN_SHARD // 2}
    shards = plan(_places(sizes), threads=4)
    taken = [i for shard in shards for i in shard.indexes]
    assert sorted(taken) == list(range(sum(sizes.values())))  # every reference once
    homes = [shard.domains for shard in shards]
    assert all(sum(domain in d for d in homes) == 1 for domain in sizes)  # a domain is never split
    assert homes[0] == ("huge.org",)  # alone, and first
    assert [len(s) for s in shards] == sorted((len(s) for s in shards), reverse=True)
    assert len(shards) < len(sizes) / 10  # small domains share shards
    assert all(shard.number == n for n, shard in enumerate(shards))


def test_many_workers_get_more_and_smaller_shards() -> None:
    places = _places({f"host{n}.org": 100 for n in range(400)})  # 40,000 references
    few, many = plan(places, threads=1), plan(places, threads=32)
    assert len(many) > len(few) >= 4
    assert max(len(s) for s in many) <= max(MIN_SHARD, 40_000 // (32 * 8)) + 100


def test_no_web_address_no_shard() -> None:
    assert plan([], threads=4) == ()


# -- what travels to a worker --------------------------------------------------------------


@pytest.mark.asyncio
async def test_the_fake_webs_network_travels_to_a_worker_as_plain_values() -> None:
    sites = {"www.example.org": {"/": html_page("Home")}, "gone.example": Refused()}
    async with FakeWeb(sites, addresses={"www.example.org": "93.184.216.34"}) as web:
        spec = pickle.loads(pickle.dumps(NetworkSpec.of(web.network)))
        there = spec.build()
        assert there.resolver is not None and there.ssl is not None
        here = await web.resolver.resolve("www.example.org", 443)
        assert await there.resolver.resolve("www.example.org", 443) == here
        assert there.resolver.stands_for("www.example.org") == "93.184.216.34"  # type: ignore[attr-defined]
        assert there.ca_pem == web.network.ca_pem


def test_the_real_network_travels_as_nothing_and_a_mock_transport_not_at_all() -> None:
    assert NetworkSpec.of(None) == NetworkSpec() and NetworkSpec.of(Network()).build() == Network()
    with pytest.raises(ClusterError, match="MockTransport"):
        NetworkSpec.of(Network(transport=MockTransport(lambda request: None)))  # type: ignore[arg-type,return-value]


def test_a_shard_takes_its_stored_results_and_brings_back_what_it_learnt(tmp_path: Path) -> None:
    now = dt.datetime(2026, 12, 4, tzinfo=dt.UTC)
    row = StoredCheck("https://a.org/", now - dt.timedelta(hours=1), '{"status":"ok"}', None, None, None)
    cache = CheckCache({row.key: row, "https://b.org/": row}, max_age=dt.timedelta(days=1), now=now, history=None)
    part = pickle.loads(pickle.dumps(cache.part(["https://a.org/", "https://c.org/"])))
    assert set(part.stored) == {"https://a.org/"}
    there = part.open()
    from auditor.verdict import Verdict

    there.keep("https://c.org/", Verdict(Status.OK, "200 OK"))
    there.keep("https://a.org/", Verdict(Status.DEAD, "404"))  # failed: forgotten
    cache.absorb(pickle.loads(pickle.dumps(there.learnt())))
    learnt = cache.learnt()
    assert [check.key for check in learnt.checks] == ["https://c.org/"]
    assert learnt.forget == {"https://a.org/"}


# -- the same verdicts ---------------------------------------------------------------------


#: What depends on the clock (or on how requests were shared), not on the verdicts.
CLOCK_KEYS = frozenset({"elapsed_ms", "checked_at", "requests", "previous_run", "status_since", "first_seen"})


def _without_timings(value: Any) -> Any:
    """The JSON report but what depends on the clock or on how requests were shared."""
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in CLOCK_KEYS}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def _report(audit: Audit) -> Any:
    return _without_timings(json.loads(formats.render(ReportFormat.JSON, audit.extraction, audit.run, DEFAULT_FAIL_ON)))


@pytest.fixture
def demo_documents(tmp_path: Path) -> list[Any]:
    for item in DEMO_FILES:
        (tmp_path / item.name).write_text(item.read_text(encoding="utf-8"), encoding="utf-8")
    names = [str(tmp_path / name) for name in ("leaflet.txt", "group-page.md")]
    return resolve_inputs(names, InputPolicy())


class Counted:
    def __init__(self) -> None:
        self.total: int | None = None
        self.advanced: list[Checked] = []
        self.finished = False

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, checked: Checked) -> None:
        self.advanced.append(checked)

    def finish(self) -> None:
        self.finished = True


@pytest.mark.asyncio
async def test_the_demo_checked_on_two_workers_gives_the_single_process_verdicts(demo_documents: list[Any]) -> None:
    """Redirects, a soft 404, a parked domain, a shortener, a bot wall, dead pages, phones on
    organisations' pages, e-mail domains, page dates and main text: all the same."""
    settings = dataclasses.replace(QUICK, page_facts=True)
    async with demo_web() as web:
        one = await check_sources(demo_documents, settings, network=web.network)
        progress = Counted()
        two = await check_sources(
            demo_documents, dataclasses.replace(settings, cluster=LOCAL_2), network=web.network, progress=progress
        )
    assert _report(two) == _report(one)
    assert {item.verdict.status for item in one.run.results} >= {Status.OK, Status.DEAD, Status.REDIRECTED}
    assert progress.total == len(two.run.results) == len(progress.advanced) and progress.finished


def test_the_weekly_audit_on_two_workers_writes_the_single_process_report(tmp_path: Path, monkeypatch: Any) -> None:
    """``auditor run`` with ``cluster.address``: the demo's two runs (last week's, then today's:
    a history, the cache, archived copies, organisations' expected text) give the same
    report as in one process."""
    import asyncio

    from auditor.demo import runner

    reports = []
    for name, overrides in (("single", runner.OVERRIDES), ("cluster", {**runner.OVERRIDES, "cluster": LOCAL_2})):
        monkeypatch.setattr(runner, "OVERRIDES", overrides)
        folder = tmp_path / name
        folder.mkdir()
        asyncio.run(runner.run_demo(folder))
        latest = next(folder.rglob("latest.json")).read_text().replace(str(folder), "FOLDER")
        reports.append(_without_timings(json.loads(latest)))
    single, cluster = reports
    assert cluster == single
    assert cluster["changes"]["fixed"] and cluster["changes"]["new_broken"]


OUTAGE_SITES: dict[str, Any] = {"www.cancer.gov": Unresolvable(), "www.sarcoma-uk.org": Unresolvable()}


@pytest.mark.asyncio
async def test_an_outage_is_judged_over_every_shard(tmp_path: Path) -> None:
    """Nothing answers anywhere (and no witness does): unchecked everywhere, as in one process;
    the local file that is missing still fails."""
    doc = tmp_path / "doc.md"
    doc.write_text("https://www.cancer.gov/types https://www.sarcoma-uk.org/x [form](missing.pdf)\n")
    sources = resolve_inputs([str(doc)], InputPolicy())
    settings = dataclasses.replace(QUICK, outage_witnesses=("https://www.cancer.gov/",))
    async with FakeWeb(OUTAGE_SITES, https=False) as web:
        one = await check_sources(sources, settings, network=web.network)
        two = await check_sources(sources, dataclasses.replace(settings, cluster=LOCAL_2), network=web.network)
    assert one.run.network_unavailable and two.run.network_unavailable
    assert _report(two) == _report(one)
    assert [item.verdict.status for item in two.run.results].count(Status.UNCHECKED) == 2


WIDE = {
    **{f"www.site{n}.org": {"/": html_page(f"Site {n}"), "/a": html_page("A")} for n in range(30)},
    "old.example.org": {"/": redirect(301, "https://www.site1.org/")},
    "gone.example.org": Refused(),
}


@pytest.mark.asyncio
async def test_many_hosts_over_many_shards_give_the_same_verdicts(tmp_path: Path, monkeypatch: Any) -> None:
    """Thirty hosts in shards of a few each (the shard size lowered), links written with and
    without a scheme, with fragments, refused, redirected and remapped."""
    monkeypatch.setattr("auditor.cluster.shards.MIN_SHARD", 2)
    lines = [f"- https://www.site{n}.org/a and www.site{n}.org/ and https://www.site{n}.org/b" for n in range(30)]
    lines += ["- http://old.example.org/", "- https://gone.example.org/x", "- https://www.site2.org/a#top"]
    doc = tmp_path / "links.md"
    doc.write_text("\n".join(lines) + "\n")
    sources = resolve_inputs([str(doc)], InputPolicy())
    # --remap sends one site's links to another: the shard checks the remapped address.
    settings = dataclasses.replace(
        QUICK, remap=(parse_remap(r"https://www\.site7\.org/(.*) https://www.site8.org/$1"),)
    )
    async with FakeWeb(WIDE) as web:
        one = await check_sources(sources, settings, network=web.network)
        two = await check_sources(sources, dataclasses.replace(settings, cluster=LOCAL_2), network=web.network)
    assert _report(two) == _report(one)
    assert len(two.run.results) == 30 * 3 + 3
    assert any(item.verdict.remapped for item in two.run.results)


@pytest.mark.asyncio
async def test_a_crawl_reads_each_page_on_a_worker_once_with_the_same_verdicts() -> None:
    """The frontier stays on the coordinator, each page is fetched by the worker of its host
    (robots.txt, sitemaps, the pages), once: links to crawled pages are not fetched again.
    A host's soft-404 probe may be asked once more (by the crawl's checker and by a shard)."""
    from tests.test_crawl import DEPTH_3, HOME, sites

    source = Source(HOME, None, None, url=HOME).crawled(DEPTH_3)
    reports, asked, counted = [], [], []
    for settings in (QUICK, dataclasses.replace(QUICK, cluster=LOCAL_2)):
        async with FakeWeb(sites()) as web:
            audit = await check_sources([source], settings, network=web.network)
            reports.append(_report(audit))
            counted.append((audit.run.requests, len(web.requests)))
            asked.append(Counter((r.host, r.path_qs) for r in web.requests if "-no-such-page" not in r.path_qs))
    single, cluster = reports
    assert cluster == single
    assert single["crawls"][0]["pages"] > 3
    assert asked[1] == asked[0]  # the same requests, none twice (soft-404 probes aside)
    (run_one, web_one), (run_two, web_two) = counted
    assert run_two - web_two == run_one - web_one  # the run counts every request, the workers' included


HOSTILE_PAGE = """<html><head><title>Links</title></head><body>
<a href="https://www.example.org/">public</a>
<a href="http://intranet.example.org/admin">an intranet host</a>
<a href="http://169.254.169.254/latest/meta-data/">cloud metadata</a>
</body></html>"""


@pytest.mark.asyncio
async def test_workers_refuse_the_private_addresses_the_coordinator_refuses(monkeypatch: Any) -> None:
    """A remote page (a hostile one, in CI) links to a name that resolves to a private address
    and to a link-local one: refused in a shard as in one process (the coordinator's policy
    travels: a worker has no input URLs, nor the coordinator's CI variable)."""
    monkeypatch.delenv("CI", raising=False)
    sites = {
        "pages.example.net": {"/links": html_page("Links", HOSTILE_PAGE)},
        "www.example.org": {"/": html_page("Home")},
        "intranet.example.org": {"/admin": html_page("Admin")},
    }
    start = "https://pages.example.net/links"
    source = Source(start, None, None, url=start)
    async with FakeWeb(sites, addresses={"intranet.example.org": "10.0.0.5"}) as web:
        one = await check_sources([source], QUICK, network=web.network)
        two = await check_sources([source], dataclasses.replace(QUICK, cluster=LOCAL_2), network=web.network)
        asked = [r.host for r in web.requests]
    assert _report(two) == _report(one)
    refused = {item.reference.target.key: item.verdict for item in two.run.results}
    assert refused["http://intranet.example.org/admin"].status is Status.SKIPPED
    assert "intranet.example.org" not in asked


# -- the cluster as a service --------------------------------------------------------------


def _dies_once(job: ShardJob) -> ShardResult:
    """A shard whose first worker is lost mid-check (the process exits)."""
    marker = Path(os.environ["AUDITOR_TEST_MARKER"]) / f"shard-{job.number}"
    if not marker.exists():
        marker.touch()
        os._exit(1)
    return check_shard(job)


@pytest.mark.asyncio
async def test_a_lost_workers_shard_is_checked_again_elsewhere(tmp_path: Path, monkeypatch: Any) -> None:
    from auditor.cluster.session import ClusterSession

    monkeypatch.setenv("AUDITOR_TEST_MARKER", str(tmp_path))  # the workers inherit it
    async with FakeWeb({"www.example.org": {"/": html_page("Home")}}) as web:
        job = ShardJob.of(
            0,
            [Reference(Url("https://www.example.org/"), "https://www.example.org/", ())],
            QUICK,
            NetworkSpec.of(web.network),
            AddressPolicy(),
        )
        async with ClusterSession(LOCAL_2) as session:
            results = [result async for result in session.results(iter([job]), task=_dies_once)]
    assert (tmp_path / "shard-0").exists()
    assert [v.status for v in results[0].part.verdicts] == [Status.OK]


@pytest.mark.asyncio
async def test_a_local_cluster_admits_only_this_run() -> None:
    """Another user of the machine finds the scheduler's port but cannot connect to it (and
    have the workers run code of theirs): TLS, with credentials made for the run."""
    import distributed
    from distributed.security import Security

    from auditor.cluster.session import ClusterSession

    async with ClusterSession(LOCAL_2) as session:
        address = session.scheduler_address
        assert address.startswith("tls://127.0.0.1:")
        with pytest.raises((OSError, TimeoutError)):  # in the clear: the connection is reset
            await distributed.Client(address.replace("tls://", "tcp://"), asynchronous=True, timeout=3)
        with pytest.raises(OSError, match="certificate"):  # with credentials of its own
            await distributed.Client(address, asynchronous=True, timeout=3, security=Security.temporary())


def _always_fails(job: ShardJob) -> ShardResult:
    raise RuntimeError("\x1b[31mboom\x1b[0m")


@pytest.mark.asyncio
async def test_a_shard_that_fails_again_stops_the_run_with_its_error_quoted() -> None:
    from auditor.cluster.session import ClusterSession

    job = ShardJob.of(3, [], QUICK, NetworkSpec(), AddressPolicy())
    async with ClusterSession(LOCAL_2) as session:
        with pytest.raises(ClusterError, match=r"shard .* failed on the cluster: RuntimeError: \[31mboom") as raised:
            [result async for result in session.results(iter([job]), task=_always_fails)]
    assert "\x1b" not in str(raised.value)


@pytest.mark.asyncio
async def test_a_scheduler_that_does_not_answer_is_a_clear_error(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr("auditor.cluster.session.CONNECT_TIMEOUT", 1.0)
    doc = tmp_path / "doc.md"
    doc.write_text("https://www.example.org/\n")
    sources = resolve_inputs([str(doc)], InputPolicy())
    settings = dataclasses.replace(QUICK, cluster=parse_cluster("tcp://127.0.0.1:9"))
    async with FakeWeb({"www.example.org": {"/": html_page("Home")}}) as web:
        with pytest.raises(ClusterError, match=r"no Dask scheduler.*`dask scheduler`"):
            await check_sources(sources, settings, network=web.network)


@pytest.mark.asyncio
async def test_without_dask_the_error_says_what_to_install(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    doc = tmp_path / "doc.md"
    doc.write_text("https://www.example.org/\n")
    sources = resolve_inputs([str(doc)], InputPolicy())
    with pytest.raises(ClusterError, match=r"reference-auditor\[cluster\]"):
        await check_sources(sources, dataclasses.replace(QUICK, cluster=LOCAL_2))


# -- the command line and targets.yaml ----------------------------------------------------


def test_a_wrong_cluster_flag_is_a_usage_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    doc = tmp_path / "doc.md"
    doc.write_text("https://www.example.org/\n")
    done = CliRunner().invoke(main, ["check", str(doc), "--cluster", "local"])
    assert done.exit_code == 2
    assert "--cluster" in done.output and "local:2" in done.output
    assert "Traceback" not in done.output


def test_a_wrong_cluster_address_in_targets_yaml_names_the_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    (tmp_path / "doc.md").write_text("https://www.example.org/\n")
    (tmp_path / "targets.yaml").write_text("sources:\n  - path: doc.md\ncluster:\n  address: 'http://x:1'\n")
    done = CliRunner().invoke(main, ["run", "--config", str(tmp_path / "targets.yaml")])
    assert done.exit_code == 2
    assert "targets.yaml:4" in done.output and "cluster.address" in done.output


def test_cluster_address_in_targets_yaml_is_the_flags_default(tmp_path: Path) -> None:
    from auditor.config import load

    (tmp_path / "doc.md").write_text("https://www.example.org/\n")
    (tmp_path / "targets.yaml").write_text("sources:\n  - path: doc.md\ncluster:\n  address: local:3\n")
    config = load(tmp_path / "targets.yaml")
    assert config.settings.cluster == ClusterAddress(workers=3)
    assert config.check_settings(cluster=parse_cluster("tcp://h:8786")).cluster == ClusterAddress(
        scheduler="tcp://h:8786"
    )
