"""The checking engine: wires references to the fetcher, the redirect follower and the
detectors, and does no checking itself.

- Each URL is requested once however often it is referenced (fragment ignored;
  in-flight checks are shared).
- A reference written without a scheme is tried as https://, then as http:// when
  https cannot connect: the verdict is what a reader typing it would reach.
- Each host is asked once for a made-up sibling address (the soft-404 probe).
- When no host answered at all and some failed at the network level, and no outage
  witness answers either (:mod:`.outage`), the network is down: nothing is called dead,
  those references are ``unchecked`` ("could not verify") and the run reports
  ``network_unavailable``; local files are still judged.
- With ``page_facts`` on (the weekly audit), each healthy HTML page's title, own date and
  main-text fingerprint are read once per final URL, in a worker thread.
- After the checks (``check_sources``), dead, soft-404 and parked addresses are looked
  up in the web archive (:mod:`.archive`), unless ``archive_url`` is None or the network
  is down; an archive that does not answer is a note in ``CheckRun.notes``, not a failure.
- Every connection goes through one guarded connector (:mod:`.guard`): private,
  loopback and link-local addresses are refused as the flags and defaults say
  (:mod:`.addresses`), ``skipped`` with the reason; a ``file:`` link written in a remote
  page is never looked up on this disk.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import ssl as ssl_module
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable
from urllib.parse import unquote, urlsplit, urlunsplit

import aiohttp
from aiohttp.abc import AbstractResolver

from auditor import local_site
from auditor.check import cookies, fragments, freshness
from auditor.check.addresses import address_policy
from auditor.check.archive import archived_copies
from auditor.check.cache import CheckCache, check_key, mark_cached
from auditor.check.client import Fetcher
from auditor.check.deadline import Deadline
from auditor.check.decide import decide
from auditor.check.failures import Failure
from auditor.check.fragment_policy import FragmentPolicy
from auditor.check.guard import Guard
from auditor.check.inputs import fetch_input
from auditor.check.mail import AddressMailResolver, DnsMailResolver, MailResolver, check_domain
from auditor.check.organisations import Listings, OrganisationSpec, expected_findings
from auditor.check.outage import network_works
from auditor.check.page import Page
from auditor.check.redirects import Trail, follow
from auditor.check.remap import remapped
from auditor.check.settings import CheckSettings
from auditor.check.transport import Network, Transport, open_transport
from auditor.crawl.crawler import crawl
from auditor.crawl.scope import page_key
from auditor.defaults import DEFAULT_REGIONS, MAX_INPUT_BYTES
from auditor.errors import UnreadableInput
from auditor.extract import Extraction, extract_sources
from auditor.extract.domains import host_of
from auditor.extract.links import without_fragment
from auditor.inputfiles import read_regular
from auditor.reference import Email, Invalid, Kind, Phone, Reference, Url, merge
from auditor.sources import EXTENSIONS, Format, Source
from auditor.verdict import Finding, FindingKind, PageFacts, Status, Verdict

CHECKED_SCHEMES = ("http", "https")
#: Checks in progress per place of --max-concurrency: enough to keep every place busy
#: while some checks wait for their host's turn.
WORKERS_PER_PLACE = 4
MARKDOWN_SUFFIXES = frozenset(s for s, f in EXTENSIONS.items() if f is Format.MARKDOWN)
HTML_SUFFIXES = frozenset(s for s, f in EXTENSIONS.items() if f is Format.HTML)
NETWORK_UNAVAILABLE = (
    "could not verify: the network is unavailable, no host could be reached"
    " (check the connection, or try `auditor demo`)"
)
#: The page a link to a local folder shows, in order of preference (as web servers and GitHub do).
FOLDER_INDEXES = ("index.html", "index.htm", "README.md", "index.md")


@dataclass(frozen=True, slots=True)
class Checked:
    reference: Reference
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class Visit:
    """A crawled page's check: the verdict every reference to the page shares, and the page
    as fetched; ``page`` is None when it was not fetched (the cache answered, or it failed)."""

    verdict: Verdict
    page: Page | None


#: Says why an address is not checked (robots.txt forbids it), or None.
Gate = Callable[[str], str | None]


class Progress(Protocol):
    """Told how a run advances (the terminal's progress bar); optional, nothing is done without one.

    ``start`` once the references are known, ``advance`` as each reference's verdict is
    decided (provisional: an outage turns network failures into ``error`` only at the
    end, and a missing #fragment is added then), ``finish`` at the end, even on errors.
    """

    def start(self, total: int) -> None: ...

    def advance(self, checked: Checked) -> None: ...

    def finish(self) -> None: ...


@runtime_checkable
class CrawlProgress(Protocol):
    """Told as a crawl reads pages (before the checks start): ``pages`` read of ``planned`` found."""

    def crawled(self, pages: int, planned: int) -> None: ...


@dataclass(frozen=True, slots=True, repr=False)
class CheckRun:
    results: tuple[Checked, ...]
    network_unavailable: bool
    requests: int
    elapsed_ms: int
    cached: int = 0  # results reused from the cross-run cache (or kept after a 304)
    notes: tuple[str, ...] = ()  # warnings about the run itself (the archive did not answer), not about a reference

    def unreached(self, item: Checked) -> bool:
        """Whether ``item`` is unchecked only because the network was down: no verdict on it."""
        return (
            self.network_unavailable
            and item.verdict.status is Status.UNCHECKED
            and item.verdict.reason == NETWORK_UNAVAILABLE
        )

    def reached(self) -> tuple[Checked, ...]:
        """The results that are verdicts: all of them, but those the network outage left unchecked."""
        return tuple(item for item in self.results if not self.unreached(item))

    def __repr__(self) -> str:
        # Short: asyncio.run() formats the result of its main task when it ends.
        return f"CheckRun(<{len(self.results)} results>, requests={self.requests}, elapsed_ms={self.elapsed_ms})"


@dataclass(frozen=True, slots=True)
class _Outcome:
    verdict: Verdict
    host: str
    answered: bool  # some HTTP answer came back from the host
    network_failure: bool  # failed at DNS or connection level
    anchors: frozenset[str] | None = None  # ids and names on the final page, when a #fragment asks
    no_index: bool = False  # a local folder linked with a #fragment has no index page to hold it


class Checker:
    """One transport (:mod:`.transport`, ``settings.transport``) for a whole run.

    ``network`` (or its parts ``resolver``, ``ssl``, ``mail_resolver``) is injected (the fake
    web's resolver and CA in tests and ``auditor demo``); by default the system resolver and
    verified TLS (``SSL_CERT_FILE`` is honoured). ``mail_resolver`` answers for mail domains
    (by default DNS MX records, then addresses; with only ``resolver`` given, its addresses).
    Phones are looked up on the pages of ``organisations`` (targets.yaml) or of the web
    address beside them, numbers on those pages read in ``regions``.
    ``inputs``: the URLs of the input web pages: when there are any, private addresses are
    refused by default but for those hosts and ports (:mod:`.addresses`); every connection
    goes through the :class:`~auditor.check.guard.GuardedConnector`. With
    ``settings.cookie_jar``, cookies are loaded on entry and saved on exit.
    """

    def __init__(
        self,
        settings: CheckSettings | None = None,
        *,
        resolver: AbstractResolver | None = None,
        ssl: ssl_module.SSLContext | None = None,
        mail_resolver: MailResolver | None = None,
        organisations: Sequence[OrganisationSpec] = (),
        regions: Sequence[str] = DEFAULT_REGIONS,
        cache: CheckCache | None = None,
        inputs: Sequence[str] = (),
        network: Network | None = None,
    ) -> None:
        self.settings = settings or CheckSettings()
        self._inputs = tuple(inputs)
        # One object says which network the run talks to; resolver/ssl/mail_resolver are its parts.
        network = network or Network(resolver=resolver, ssl=ssl, mail_resolver=mail_resolver)
        self._network = network
        resolver, mail_resolver = network.resolver, network.mail_resolver
        self._guard: Guard | None = None
        self._transport: Transport | None = None
        self._cookies: aiohttp.CookieJar | None = None
        self.cache = cache
        self._organisations = tuple(organisations)
        self._regions = tuple(regions)
        self._listings: Listings | None = None
        self._mail_resolver = mail_resolver
        self._own_mail_resolver: DnsMailResolver | None = None
        self._resolver = resolver
        self._fetcher: Fetcher | None = None
        self._urls: dict[tuple[str, bool], asyncio.Future[_Outcome]] = {}
        self._aliases: dict[str, asyncio.Future[_Outcome]] = {}  # crawled pages by page key (/a and /a/)
        self._gates: list[Gate] = []
        self._probes: dict[tuple[str, str], asyncio.Task[Page | None]] = {}
        self._with_fragments: set[str] = set()  # addresses some reference links to with a #fragment
        self._mail_domains: dict[str, asyncio.Task[_Outcome]] = {}
        self._facts: dict[str, asyncio.Task[PageFacts]] = {}  # by final URL: two addresses may end on one page
        self._own_resolver: AbstractResolver | None = None  # the system's, when none was injected
        self.deadline = Deadline(self.settings.max_duration)  # restarted when the session opens
        self._skips: dict[str, _Outcome] = {}  # by reason

    async def __aenter__(self) -> Checker:
        self.deadline = Deadline(self.settings.max_duration)
        settings = self.settings
        policy = address_policy(
            exclude_private=settings.exclude_private,
            exclude_loopback=settings.exclude_loopback,
            exclude_link_local=settings.exclude_link_local,
            exclude_all_private=settings.exclude_all_private,
            allow_private=settings.allow_private,
            inputs=self._inputs,
        )
        if settings.cookie_jar is not None:
            self._cookies = cookies.jar_of(await asyncio.to_thread(cookies.read, Path(settings.cookie_jar)))
        self._transport, self._guard = open_transport(
            settings.transport, self._network, policy, verify=not settings.insecure, cookies=self._cookies
        )
        if self._resolver is None:
            self._own_resolver = self._guard.resolver  # the system's, which the mail lookups use too
        self._fetcher = Fetcher(self._transport, self.settings)
        self._listings = Listings(
            self._fetcher,
            self._organisations,
            self._regions,
            max_redirects=self.settings.max_redirects,
            excluded=self._excluded,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._transport is not None:
            await self._transport.close()
        if self._own_resolver is not None:
            await self._own_resolver.close()
        if self._own_mail_resolver is not None:
            await self._own_mail_resolver.close()
        if self._cookies is not None and self.settings.cookie_jar is not None:
            await asyncio.to_thread(cookies.save, cookies.netscape(self._cookies), Path(self.settings.cookie_jar))

    @property
    def fetcher(self) -> Fetcher:
        assert self._fetcher is not None, "use `async with Checker(...)`"
        return self._fetcher

    @property
    def listings(self) -> Listings:
        assert self._listings is not None, "use `async with Checker(...)`"
        return self._listings

    async def check(self, references: Iterable[Reference], progress: Progress | None = None) -> CheckRun:
        started = time.monotonic()
        written = list(references)
        # --remap: the rewritten address is checked; the results keep the reference as written.
        references = [_remapped(ref, self.settings) for ref in written]
        self._with_fragments = {
            without_fragment(ref.target.url)
            for ref in references
            if isinstance(ref.target, Url)
            and self.settings.fragments is not FragmentPolicy.OFF
            and fragments.needs_anchor(urlsplit(ref.target.url).fragment)
        }
        self.listings.start(references)  # phones' organisations; their pages start loading
        if progress is None:
            outcomes = await self._outcomes(references)
        else:
            progress.start(len(references))
            try:
                outcomes = await self._outcomes(references, progress)
            finally:
                progress.finish()
        down = await self._network_down(outcomes)
        # Organisations' pages that no longer say what they should.
        expected = await self.deadline.value(self.listings.expected_text(), {})
        results = []
        for original, ref, outcome in zip(written, references, outcomes, strict=True):
            verdict = outcome.verdict
            if down and outcome.network_failure:
                verdict = replace(verdict, status=Status.UNCHECKED, reason=NETWORK_UNAVAILABLE)
            elif self.settings.fragments is not FragmentPolicy.OFF and (missing := _missing_fragment(ref, outcome)):
                verdict = replace(verdict, findings=(*verdict.findings, missing))
                if self.settings.fragments is FragmentPolicy.FAIL and verdict.status.is_healthy:
                    verdict = replace(verdict, status=Status.MISSING_FRAGMENT, reason=missing.detail)
            if extra := expected_findings(ref, verdict, expected):
                verdict = replace(verdict, findings=(*verdict.findings, *extra))
            if verdict.suggestion and isinstance(ref.target, Url):
                verdict = replace(verdict, suggestion=_with_fragment_of(ref.target.url, verdict.suggestion))
            if ref is not original and isinstance(ref.target, Url):
                verdict = replace(
                    verdict, remapped=ref.target.url, reason=f"remapped to {ref.target.url}: {verdict.reason}"
                )
            results.append(Checked(original, verdict))
        elapsed = int((time.monotonic() - started) * 1000)
        cached = sum(1 for item in results if item.verdict.cached)
        notes: tuple[str, ...] = ()
        if unchecked := sum(1 for item in results if item.verdict.reason == self.deadline.reason):
            what = "reference" if unchecked == 1 else "references"
            notes = (f"--max-duration ({self.deadline.seconds:g}s) ran out: {unchecked:,} {what} not checked",)
        return CheckRun(tuple(results), down, self.fetcher.requests, elapsed, cached, notes)

    async def _network_down(self, outcomes: Sequence[_Outcome]) -> bool:
        """No host answered and some failed at the network level, and no witness answers
        either (:mod:`.outage`): the network is down, not those hosts."""
        answered = any(o.answered for o in outcomes)
        if answered or not any(o.network_failure for o in outcomes):
            return False
        assert self._transport is not None, "use `async with Checker(...)`"
        return not await network_works(
            self._transport, self.settings.outage_witnesses, user_agent=self.settings.user_agent
        )

    async def archive(self, run: CheckRun, extraction: Extraction) -> CheckRun:
        """``run`` with archived copies suggested for its dead, soft-404 and parked addresses
        (:mod:`.archive`); a note instead when the archive does not answer."""
        assert self._transport is not None, "use `async with Checker(...)`"
        assert self._guard is not None
        looked = await archived_copies(
            self._transport, self.settings, run.results, extraction, public=self._guard.is_public
        )
        notes = (*run.notes, looked.note) if looked.note else run.notes
        return replace(run, results=looked.results, notes=notes, requests=run.requests + looked.requests)

    def add_gate(self, gate: Gate) -> None:
        """Also skip the addresses ``gate`` gives a reason for (a crawled site's robots.txt)."""
        self._gates.append(gate)

    async def visit(self, url: str, *, alias: str, reuse: bool, max_bytes: int) -> Visit:
        """Check a page the crawler reads, keeping the page (up to ``max_bytes``) for it.

        Every reference to ``url``, or to another form of it with the same page key
        ``alias`` (``/about`` for ``/about/``), then shares this check: the page is
        fetched once. ``reuse``: the cache holds what the page contained, so a fresh
        cached verdict (or a 304) is enough and the page is not fetched.
        """
        key = (url, False)
        known = self._urls.get(key) or self._aliases.get(alias)
        if known is not None:  # already checked (two crawls overlap): not fetched again
            return Visit((await known).verdict, None)
        future: asyncio.Future[_Outcome] = asyncio.get_running_loop().create_future()
        self._urls[key] = self._aliases[alias] = future
        try:
            anchors = self.settings.fragments is not FragmentPolicy.OFF  # links into crawled pages may name them
            outcome, page = await self._check_url(url, False, max_bytes=max_bytes, reuse=reuse, wants_anchors=anchors)
            future.set_result(outcome)
        finally:
            if not future.done():  # failed or cancelled: whoever waits for it must not wait forever
                future.cancel()
        return Visit(outcome.verdict, page)

    async def _outcomes(self, references: list[Reference], progress: Progress | None = None) -> list[_Outcome]:
        """Every reference's outcome, in order, by a pool of workers.

        Not one task per reference: a waiting task costs a few kilobytes, 300 MB for
        100,000 links. Workers take references host by host in turn, so that a host
        with many links does not hold every worker while the others sit idle.
        """
        outcomes: list[_Outcome | None] = [None] * len(references)
        pending = iter(_round_robin_by_host(references))

        async def worker() -> None:
            for i in pending:
                if self.deadline.expired:
                    return
                outcome = outcomes[i] = await self._outcome(references[i])
                if progress is not None:
                    progress.advance(Checked(references[i], outcome.verdict))

        workers = min(len(references), self.settings.max_concurrency * WORKERS_PER_PLACE)
        await self.deadline.run(worker() for _ in range(workers))
        late = _Outcome(Verdict(Status.UNCHECKED, self.deadline.reason), "", False, False)
        return [late if o is None else o for o in outcomes]

    async def _outcome(self, ref: Reference) -> _Outcome:
        target = ref.target
        if isinstance(target, Invalid):
            return _Outcome(self._invalid(target), "", False, False)
        if isinstance(target, Phone):
            return _Outcome(await self.listings.verdict(target), "", False, False)
        if isinstance(target, Email):
            domain = target.address.rsplit("@", 1)[1]
            task = self._mail_domains.get(domain)
            if task is None:  # one lookup per mail domain, however many addresses use it
                task = self._mail_domains[domain] = asyncio.ensure_future(self._mail_domain(domain))
            return await task
        return await self._url(target, schemeless=_typed_without_scheme(ref.text, target.url), remote=_from_remote(ref))

    async def _url(self, target: Url, *, schemeless: bool, remote: bool = False) -> _Outcome:
        url = target.url
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file" and remote:
            why = "a local file named by a remote page is never looked up on this machine"
            return _Outcome(Verdict(Status.SKIPPED, why), "", False, False)
        if scheme == "file":
            wants_anchors = without_fragment(url) in self._with_fragments
            return await asyncio.to_thread(_local, url, wants_anchors)
        if not scheme and local_site.is_unplaced(url):
            return _Outcome(Verdict(Status.UNCHECKED, local_site.ROOT_RELATIVE_REASON), "", False, False)
        skipped = self._skipped(url, scheme)
        if skipped is not None:
            outcome = self._skips.get(skipped.reason)
            if outcome is None:  # one per reason: a million excluded links share a handful
                outcome = self._skips[skipped.reason] = _Outcome(skipped, "", False, False)
            return outcome
        address = without_fragment(url)
        key = (address, schemeless)  # typed without a scheme, it may fall back to http
        task = self._urls.get(key)
        if task is None and self._aliases and not schemeless:
            task = self._aliases.get(page_key(address) or "")  # a crawled page, written another way
        if task is None:
            task = self._urls[key] = asyncio.ensure_future(self._outcome_of(address, schemeless))
        return await task

    async def _outcome_of(self, url: str, schemeless: bool) -> _Outcome:
        outcome, _ = await self._check_url(url, schemeless)
        return outcome

    def _invalid(self, target: Invalid) -> Verdict:
        """A malformed link is never requested: ``invalid``, or ``skipped`` when --exclude covers it."""
        if target.kind is Kind.URL:
            included = any(p.search(target.written) for p in self.settings.include)
            for pattern in self.settings.exclude:
                if pattern.search(target.written) and not included:
                    return Verdict(Status.SKIPPED, f"excluded by --exclude {pattern.pattern} ({target.reason})")
        return Verdict(Status.INVALID, f"{target.reason} \u2014 correct the link or remove it")

    def _excluded(self, url: str) -> str | None:
        """Why an organisation's page is not fetched (the same rules as links), or None."""
        skipped = self._skipped(url, urlsplit(url).scheme.lower())
        return skipped.reason if skipped is not None else None

    def _hop(self, url: str) -> str | None:
        """Why a redirect may not go to ``url``: the user's --exclude applies to every hop, not
        only to the address as written (a redirect is no way round it)."""
        if any(p.search(url) for p in self.settings.include):
            return None
        return next((f"excluded by --exclude {p.pattern}" for p in self.settings.exclude if p.search(url)), None)

    def _skipped(self, url: str, scheme: str) -> Verdict | None:
        if scheme not in CHECKED_SCHEMES:
            return Verdict(Status.SKIPPED, f"{scheme}: addresses are not checked")
        included = any(p.search(url) for p in self.settings.include)
        for pattern in self.settings.exclude:
            if pattern.search(url) and not included:
                return Verdict(Status.SKIPPED, f"excluded by --exclude {pattern.pattern}")
        for gate in self._gates:
            if (why := gate(url)) is not None:
                return Verdict(Status.SKIPPED, why)
        # An address refused as written is skipped here, before the cache could answer for it;
        # names are judged by the connector, once resolved.
        parts = urlsplit(url)
        host = parts.hostname
        try:
            port = parts.port or (443 if scheme == "https" else 80)
        except ValueError:
            return None  # the request fails as a bad URL
        if host and self._guard is not None and (why := self._guard.refusal_as_written(host, port)):
            return Verdict(Status.SKIPPED, why)
        return None

    async def _check_url(
        self,
        url: str,
        schemeless: bool,
        *,
        max_bytes: int | None = None,
        reuse: bool = True,
        wants_anchors: bool | None = None,
    ) -> tuple[_Outcome, Page | None]:
        """The outcome for ``url``, and its final page when one was fetched.

        With a cache: a fresh healthy result is reused without a request (when ``reuse``),
        an older one is revalidated with a conditional request (a 304 keeps it).
        """
        started = time.monotonic()
        settings = self.settings
        if wants_anchors is None:
            wants_anchors = url in self._with_fragments
        cache, cache_key = self.cache, check_key(url, schemeless)
        hit = cache.lookup(cache_key) if cache is not None else None
        if hit is not None and (not reuse or (wants_anchors and hit.anchors is None)):
            hit = None  # the caller needs what only a fetch gives: the page, or its anchors
        if hit is not None and hit.fresh:
            return _Outcome(mark_cached(hit.verdict, hit.checked_at), host_of(url), True, False, hit.anchors), None
        conditional = hit.conditional_headers() if hit is not None else {}
        trail = await follow(
            self.fetcher, url, settings.max_redirects, max_bytes=max_bytes, headers=conditional, excluded=self._hop
        )
        final = trail.final
        if hit is not None and conditional and not trail.hops and isinstance(final, Page) and final.status == 304:
            assert cache is not None  # not modified: the stored verdict stands for another max-age
            etag = final.headers.get("etag") or hit.etag
            last_modified = final.headers.get("last-modified") or hit.last_modified
            cache.keep(cache_key, hit.verdict, etag=etag, last_modified=last_modified, anchors=hit.anchors)
            return _Outcome(mark_cached(hit.verdict, cache.now), host_of(url), True, False, hit.anchors), None
        if schemeless and _https_unreachable(trail):
            plain = "http://" + url.removeprefix("https://")
            trail = await follow(self.fetcher, plain, settings.max_redirects, max_bytes=max_bytes, excluded=self._hop)
            url = plain
        probe = await self._probe(url, trail) if settings.probe_soft_404 else None
        verdict = decide(url, trail, retries=settings.retries, probe=probe, accept=settings.accept)
        verdict = replace(verdict, elapsed_ms=int((time.monotonic() - started) * 1000))
        failure = trail.final if isinstance(trail.final, Failure) else None
        answered = failure is None or bool(trail.hops)
        network = failure is not None and failure.network and not trail.hops
        anchors = None
        page = trail.final if isinstance(trail.final, Page) else None
        if wants_anchors and page is not None and verdict.status.is_healthy:
            anchors = fragments.html_anchors(page.text)
        if settings.page_facts and verdict.status.is_healthy and page is not None:
            verdict = await self._with_page_facts(verdict, page)
        if cache is not None:
            headers = page.headers if page is not None else {}
            etag, last_modified = headers.get("etag"), headers.get("last-modified")
            cache.keep(cache_key, verdict, etag=etag, last_modified=last_modified, anchors=anchors)
        return _Outcome(verdict, host_of(url), answered, network, anchors), page

    async def _with_page_facts(self, verdict: Verdict, page: Page) -> Verdict:
        """The verdict with what its final HTML page says about itself (``page``), and ``stale``
        when that page's date is older than ``stale_after_days``.

        Read once per final URL, in a worker thread: htmldate and trafilatura are CPU work.
        """
        if not freshness.is_html(page):
            return verdict
        task = self._facts.get(page.url)
        if task is None:
            task = self._facts[page.url] = asyncio.ensure_future(asyncio.to_thread(freshness.page_facts, page))
        facts = await task
        findings = verdict.findings
        after = self.settings.stale_after_days
        if after is not None and (old := freshness.stale(facts, today=dt.date.today(), after_days=after)):
            findings = (*findings, old)
        return replace(verdict, page=facts, findings=findings)

    async def _probe(self, url: str, trail: Trail) -> Page | None:
        """The host's answer to a made-up address beside the page (once per host)."""
        final = trail.final
        if isinstance(final, Failure) or not 200 <= final.status < 300:
            return None
        parts = urlsplit(final.url)
        if parts.path in ("", "/"):
            return None
        key = (parts.scheme, parts.netloc.lower())
        task = self._probes.get(key)
        if task is None:
            folder = parts.path.rsplit("/", 1)[0]
            made_up = urlunsplit((parts.scheme, parts.netloc, f"{folder}/{secrets.token_hex(8)}-no-such-page", "", ""))
            task = self._probes[key] = asyncio.ensure_future(self._probe_answer(made_up))
        return await task

    async def _probe_answer(self, url: str) -> Page | None:
        trail = await follow(self.fetcher, url, self.settings.max_redirects, excluded=self._hop)
        return trail.final if isinstance(trail.final, Page) else None

    async def _mail_domain(self, domain: str) -> _Outcome:
        found = await check_domain(self._mail(), domain)
        return _Outcome(found.verdict, domain, found.answered, found.network)

    def _mail(self) -> MailResolver:
        """The injected mail resolver; else the injected resolver's address records (a fake
        web's); else DNS MX records, then the system's address lookup."""
        if self._mail_resolver is None:
            if self._resolver is not None:
                self._mail_resolver = AddressMailResolver(self._resolver)
            else:
                assert self._own_resolver is not None, "use `async with Checker(...)`"
                addresses = AddressMailResolver(self._own_resolver)
                self._mail_resolver = DnsMailResolver(addresses, timeout=self.settings.timeout)
                self._own_mail_resolver = self._mail_resolver
        return self._mail_resolver


def _remapped(ref: Reference, settings: CheckSettings) -> Reference:
    """``ref`` with the address its first matching --remap rule gives (itself when none applies)."""
    if not settings.remap or not isinstance(ref.target, Url):
        return ref
    new = remapped(ref.target.url, settings.remap)
    return ref if new is None else replace(ref, target=Url(new))


def _input_urls(sources: Sequence[Source]) -> tuple[str, ...]:
    """The addresses of the web pages among ``sources``: the user named them."""
    return tuple(s.url for s in sources if s.url is not None)


def _from_remote(ref: Reference) -> bool:
    """Whether a web page (an input URL, a crawled page) writes ``ref``: then it is untrusted."""
    return any(loc.source.lower().startswith(("http://", "https://")) for loc in ref.locations)


def _round_robin_by_host(references: list[Reference]) -> Iterator[int]:
    """Indexes of ``references``, one host after another in turn (hosts in order of first use)."""
    by_host: dict[str, list[int]] = {}
    for i, ref in enumerate(references):
        host = host_of(ref.target.url) if isinstance(ref.target, Url) else ""
        by_host.setdefault(host, []).append(i)
    queues = [iter(indexes) for indexes in by_host.values()]
    while queues:
        still = []
        for queue in queues:
            index = next(queue, None)
            if index is not None:
                yield index
                still.append(queue)
        queues = still


def _with_fragment_of(url: str, suggestion: str) -> str:
    """The suggestion keeps the reference's #fragment: the address was checked without it,
    and a browser carries it across redirects too (RFC 9110, 10.2.2)."""
    fragment = urlsplit(url).fragment
    if not fragment or urlsplit(suggestion).fragment:
        return suggestion
    return f"{suggestion.split('#', 1)[0]}#{fragment}"


def _missing_fragment(ref: Reference, outcome: _Outcome) -> Finding | None:
    """A finding when the page has no element the reference's #fragment names."""
    if outcome.anchors is None or not isinstance(ref.target, Url):
        return None
    fragment = urlsplit(ref.target.url).fragment
    if fragments.has_anchor(outcome.anchors, fragment):
        return None
    if outcome.no_index:
        detail = f"#{unquote(fragment)}: the folder has no page to hold it ({', '.join(FOLDER_INDEXES)})"
        return Finding(FindingKind.MISSING_FRAGMENT, detail)
    where = "page" if outcome.host else "file"
    return Finding(FindingKind.MISSING_FRAGMENT, f"#{unquote(fragment)} is not in the {where} (no heading, id or name)")


def _typed_without_scheme(text: str, url: str) -> bool:
    """``www.example.org/x`` in a text (a reader would try https, then http), not a relative
    link such as ``/about`` or ``b.html``, whose page gave it its scheme."""
    if "://" in text or not url.startswith("https://"):
        return False
    host = host_of(url)
    written = text.lower()
    return bool(host) and (written.startswith(host) or written.startswith("www." + host.removeprefix("www.")))


def _https_unreachable(trail: Trail) -> bool:
    """https:// could not connect at all (so a reader would end up on http://)."""
    final = trail.final
    return isinstance(final, Failure) and not trail.hops and (final.https_only or (final.retryable and final.network))


def _local(url: str, wants_anchors: bool) -> _Outcome:
    """A local file: there or not; its anchors when a reference points into it (run in a thread)."""
    path = Path(unquote(urlsplit(url).path))
    if not path.exists():
        return _Outcome(Verdict(Status.DEAD, f"no such file: {path}"), "", False, False)
    anchors = None
    page = path
    if wants_anchors and path.is_dir():
        # A folder link (sub_dir/#x) is served as the folder's index page.
        page = next((path / name for name in FOLDER_INDEXES if (path / name).is_file()), path)
        if page == path:
            return _Outcome(Verdict(Status.OK, f"the folder {path} exists"), "", False, False, frozenset(), True)
    if wants_anchors and page.is_file():
        suffix = page.suffix.lower()
        try:  # read as inputs are: a regular file, bounded (a link to /dev/zero gives no anchors)
            if suffix in MARKDOWN_SUFFIXES:
                data = read_regular(page, str(page), MAX_INPUT_BYTES)
                anchors = fragments.markdown_anchors(data.decode("utf-8", errors="replace"))
            elif suffix in HTML_SUFFIXES:
                anchors = fragments.html_anchors(read_regular(page, str(page), MAX_INPUT_BYTES))
        except UnreadableInput:
            anchors = None
    return _Outcome(Verdict(Status.OK, f"the file {path} exists"), "", False, False, anchors)


async def check_references(
    references: Iterable[Reference],
    settings: CheckSettings | None = None,
    *,
    resolver: AbstractResolver | None = None,
    ssl: ssl_module.SSLContext | None = None,
    mail_resolver: MailResolver | None = None,
    progress: Progress | None = None,
    organisations: Sequence[OrganisationSpec] = (),
    regions: Sequence[str] = DEFAULT_REGIONS,
    network: Network | None = None,
) -> CheckRun:
    """Check every reference; the public entry point (``network`` for a fake web).

    Phones are looked up on the pages of ``organisations``, numbers read in ``regions``.
    """
    checker = Checker(
        settings,
        resolver=resolver,
        ssl=ssl,
        mail_resolver=mail_resolver,
        organisations=organisations,
        regions=regions,
        network=network,
    )
    async with checker:
        return await checker.check(references, progress)


@dataclass(frozen=True, slots=True)
class Audit:
    """What ``auditor check`` found: the extraction (sources, references, problems) and the verdicts."""

    extraction: Extraction
    run: CheckRun


async def read_sources(
    checker: Checker,
    sources: Sequence[Source],
    regions: Sequence[str],
    *,
    stdin: BinaryIO | None = None,
    progress: CrawlProgress | None = None,
) -> tuple[Extraction, bool]:
    """Fetch the web pages among ``sources`` with the checker's client, then extract every source.

    Also says whether the network looks unavailable: every page failed in a way that
    may be the machine's fault. Extraction runs in a worker thread: it is CPU work.
    """
    pages = [s.url for s in sources if s.url is not None and s.crawl is None]
    max_redirects = checker.settings.max_redirects
    fetched = await asyncio.gather(*(fetch_input(checker.fetcher, url, max_redirects) for url in pages))
    crawls = await asyncio.gather(
        *(
            crawl(checker, s.url, s.crawl, regions, progress=progress)
            for s in sources
            if s.url is not None and s.crawl is not None
        )
    )
    web = {page.url: page.result for page in fetched}
    documents = [s for s in sources if s.crawl is None]
    extraction = await asyncio.to_thread(extract_sources, documents, regions, stdin=stdin, web=web)
    if crawls:
        extraction = Extraction(
            extraction.sources + tuple(info for c in crawls for info in c.sources),
            tuple(merge([*extraction.references, *(ref for c in crawls for ref in c.references)])),
            extraction.problems + tuple(problem for c in crawls for problem in c.problems),
            tuple(c.report for c in crawls if c.report is not None),
        )
    tried = [page.offline for page in fetched] + [c.offline for c in crawls]
    return extraction, bool(tried) and all(tried)


async def extract_with_pages(
    sources: Sequence[Source],
    regions: Sequence[str] = DEFAULT_REGIONS,
    *,
    stdin: BinaryIO | None = None,
    settings: CheckSettings | None = None,
    resolver: AbstractResolver | None = None,
    ssl: ssl_module.SSLContext | None = None,
    network: Network | None = None,
) -> Extraction:
    """What ``auditor extract`` reads: like :func:`auditor.extract.extract_sources`, web pages too."""
    async with Checker(settings, resolver=resolver, ssl=ssl, inputs=_input_urls(sources), network=network) as checker:
        extraction, _ = await read_sources(checker, sources, regions, stdin=stdin)
    return extraction


async def check_sources(
    sources: Sequence[Source],
    settings: CheckSettings | None = None,
    regions: Sequence[str] = DEFAULT_REGIONS,
    *,
    stdin: BinaryIO | None = None,
    resolver: AbstractResolver | None = None,
    ssl: ssl_module.SSLContext | None = None,
    mail_resolver: MailResolver | None = None,
    progress: Progress | None = None,
    organisations: Sequence[OrganisationSpec] = (),
    cache: CheckCache | None = None,
    save_cache: bool = True,
    network: Network | None = None,
) -> Audit:
    """Read every source (web pages fetched and sites crawled first), then check every reference found.

    One session serves both, so a fake web injected through ``resolver``/``ssl`` serves
    the input pages too, and a page crawled is not fetched again to check links to it.
    ``progress`` hears about the checks (not the reading). Phones are looked up on the
    pages of ``organisations`` (targets.yaml). With a ``cache``, fresh healthy results
    are reused, and what this run learnt is saved at the end (not after an outage), unless
    ``save_cache`` is false (``auditor run`` saves it once the run is recorded). Then
    archived copies are looked up for what is dead (``settings.archive_url``; None: not).
    """
    checker = Checker(
        settings,
        resolver=resolver,
        ssl=ssl,
        mail_resolver=mail_resolver,
        organisations=organisations,
        regions=regions,
        cache=cache,
        inputs=_input_urls(sources),
        network=network,
    )
    async with checker:
        crawling = progress if isinstance(progress, CrawlProgress) else None
        extraction, offline = await read_sources(checker, sources, regions, stdin=stdin, progress=crawling)
        run = await checker.check(extraction.references, progress)
        if checker.settings.archive_url is not None and not run.network_unavailable and not checker.deadline.expired:
            run = await checker.archive(run, extraction)
    if offline and not run.results:
        run = replace(run, network_unavailable=True)  # not one input page could be reached
    if cache is not None and save_cache and not run.network_unavailable:
        await cache.save()
    return Audit(extraction, run)
