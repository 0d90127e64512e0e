"""The checking engine: wires references to the fetcher, the redirect follower and the
detectors, and does no checking itself.

- Each address is requested once however often and however it is referenced: one
  result table keyed by :class:`~auditor.address.Address` (case, default port, dot
  segments, percent-encoding and fragment aside), shared by links, crawled pages,
  organisations' pages and input pages; in-flight checks are shared.
- A reference written without a scheme is tried as https://, then as http:// when
  https cannot connect: the verdict is what a reader typing it would reach.
- Each host is asked once for a made-up sibling address (the soft-404 probe).
- When no host answered at all and some failed at the network level, and no outage
  witness answers either (:mod:`.outage`), the network is down: nothing is called dead,
  those references are ``unchecked`` ("could not verify") and the run reports
  ``network_unavailable``; local files are still judged.
- With ``page_facts`` on (the weekly audit), each healthy HTML page's title, own date and
  main-text fingerprint are read once per final URL, in a worker thread.
- After the checks (:func:`auditor.pipeline.check_sources`), dead, soft-404 and parked addresses are looked
  up in the web archive (:mod:`.archive`), unless ``archive_url`` is None or the network
  is down; an archive that does not answer is a note in ``CheckRun.notes``, not a failure.
- Every connection goes through one guarded connector (:mod:`.guard`): private,
  loopback and link-local addresses are refused as the flags and defaults say
  (:mod:`.addresses`), ``skipped`` with the reason; a ``file:`` link written in a remote
  page is never looked up on this disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import secrets
import ssl as ssl_module
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

from auditor import local_site
from auditor.address import Address
from auditor.check import cookies, fragments, freshness
from auditor.check.addresses import AddressPolicy, address_policy
from auditor.check.archive import archived_copies
from auditor.check.cache import CheckCache, mark_cached
from auditor.check.client import Fetcher
from auditor.check.deadline import Deadline
from auditor.check.decide import decide
from auditor.check.failures import Failure
from auditor.check.fragment_policy import FragmentPolicy
from auditor.check.guard import Guard
from auditor.check.inputs import PageInput, as_input, fetch_input
from auditor.check.mail import AddressMailResolver, DnsMailResolver, MailResolver, check_domain
from auditor.check.organisations import Listings, OrganisationSpec, expected_findings
from auditor.check.outage import network_works
from auditor.check.page import Page
from auditor.check.reader import PageReader
from auditor.check.redirects import Trail, follow
from auditor.check.remap import remapped
from auditor.check.settings import CheckSettings
from auditor.check.transport import Network, Transport, open_transport
from auditor.crawl.visitor import Gate, Visit
from auditor.defaults import MAX_INPUT_BYTES
from auditor.errors import UnreadableInput
from auditor.extract import Extraction
from auditor.extract.domains import host_of
from auditor.extract.wellformed import url_problem
from auditor.inputfiles import read_regular
from auditor.reference import Email, Invalid, Kind, Phone, Reference, Url
from auditor.sources import EXTENSIONS, Format
from auditor.verdict import (
    NETWORK_UNAVAILABLE,
    Cause,
    Checked,
    CheckRun,
    Finding,
    FindingKind,
    PageFacts,
    Status,
    Verdict,
)

if TYPE_CHECKING:
    import aiohttp
    from aiohttp.abc import AbstractResolver

    from auditor.check.transport import Resolver

CHECKED_SCHEMES = ("http", "https")
#: Checks in progress per place of --max-concurrency: enough to keep every place busy
#: while some checks wait for their host's turn.
WORKERS_PER_PLACE = 4
MARKDOWN_SUFFIXES = frozenset(s for s, f in EXTENSIONS.items() if f is Format.MARKDOWN)
HTML_SUFFIXES = frozenset(s for s, f in EXTENSIONS.items() if f is Format.HTML)
#: The page a link to a local folder shows, in order of preference (as web servers and GitHub do).
FOLDER_INDEXES = ("index.html", "index.htm", "README.md", "index.md")


class Progress(Protocol):
    """Told how a run advances (the terminal's progress bar); optional, nothing is done without one.

    ``start`` once the references are known, ``advance`` as each reference's verdict is
    decided (provisional: an outage turns network failures into ``error`` only at the
    end, and a missing #fragment is added then), ``finish`` at the end, even on errors.
    """

    def start(self, total: int) -> None: ...

    def advance(self, checked: Checked) -> None: ...

    def finish(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """How an address's check went: the verdict, and what the run's judgement needs of it."""

    verdict: Verdict
    host: str
    answered: bool  # some HTTP answer came back from the host
    network_failure: bool  # failed at DNS or connection level
    anchors: frozenset[str] | None = None  # ids and names on the final page, when a #fragment asks
    no_index: bool = False  # a local folder linked with a #fragment has no index page to hold it


@dataclass(frozen=True, slots=True)
class Prepared:
    """A run's references as written and as checked (--remap applied), index for index."""

    written: list[Reference]
    checked: list[Reference]

    def __len__(self) -> int:
        return len(self.written)


@dataclass(frozen=True, slots=True)
class Part:
    """The verdicts of some of a run's references (those at ``indexes``), before the run is
    judged as a whole (:meth:`Checker.conclude`); plain values, so a shard checked in another
    process (:mod:`auditor.cluster`) sends one back as it is.

    ``answered``: some host gave an HTTP answer; ``network_failures``: the indexes whose
    check failed at the DNS or connection level (unchecked, not dead, if the network is down).
    """

    indexes: Sequence[int]  # a range when it is every reference (it pickles as three numbers)
    verdicts: tuple[Verdict, ...]
    answered: bool
    network_failures: tuple[int, ...]
    requests: int


#: An address's outcome, and its final answer when it was fetched and someone reads the page.
_Fetched = tuple[Outcome, Page | Failure | None]


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
    goes through the :class:`~auditor.check.guard.GuardedConnector`; ``policy`` replaces that
    judgement (a cluster worker runs with the coordinator's). With
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
        regions: Sequence[str] | None = None,  # None: settings.regions
        cache: CheckCache | None = None,
        inputs: Sequence[str] = (),
        network: Network | None = None,
        policy: AddressPolicy | None = None,
    ) -> None:
        self.settings = settings or CheckSettings()
        self._inputs = tuple(inputs)
        # The addresses refused: from the settings, the input URLs and this machine's CI
        # variable, unless given (a cluster worker takes the coordinator's).
        self._policy = policy
        self.policy: AddressPolicy | None = None  # the one in force, once entered
        # One object says which network the run talks to; resolver/ssl/mail_resolver are its parts.
        network = network or Network(resolver=resolver, ssl=ssl, mail_resolver=mail_resolver)
        self._network = network
        resolver, mail_resolver = network.resolver, network.mail_resolver
        self._guard: Guard | None = None
        self._transport: Transport | None = None
        self._cookies: aiohttp.CookieJar | None = None
        self.cache = cache
        self._organisations = tuple(organisations)
        self.regions = self.settings.regions if regions is None else tuple(regions)  # phones read in these
        self._listings: Listings | None = None
        self._mail_resolver = mail_resolver
        self._own_mail_resolver: DnsMailResolver | None = None
        self._resolver = resolver
        self._fetcher: Fetcher | None = None
        # The run's one result table: each address is fetched once, whoever asks (a link, a
        # crawled page, an organisation's page), however it is written.
        self._urls: dict[Address, asyncio.Future[_Fetched]] = {}
        self._aliases: dict[Address, asyncio.Future[_Fetched]] = {}  # crawled pages by page key (/a and /a/)
        self._keep: set[Address] = set()  # pages someone reads (organisations' listings): kept with the result
        self._reads: dict[Address, asyncio.Task[Trail]] = {}  # pages read before any check (input pages)
        self._gates: list[Gate] = []
        self._probes: dict[str, asyncio.Task[Page | None]] = {}  # by origin
        self._with_fragments: set[str] = set()  # addresses (.url) some reference links to with a #fragment
        self._mail_domains: dict[str, asyncio.Task[Outcome]] = {}
        self._facts: dict[str, asyncio.Future[PageFacts]] = {}  # by final URL: two addresses may end on one page
        self._reader = PageReader()  # where pages' facts are read: off the event loop, one at a time
        self._own_resolver: Resolver | None = None  # the system's, when none was injected
        self.deadline = Deadline(self.settings.max_duration)  # restarted when the session opens
        self._skips: dict[str, Outcome] = {}  # by reason
        self._refusals: dict[tuple[str, int], str | None] = {}  # the guard's word on a host and port as written

    async def __aenter__(self) -> Checker:
        self.deadline = Deadline(self.settings.max_duration)
        settings = self.settings
        policy = self.policy = self._policy or address_policy(
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
        self._refusals.clear()  # the guard's judgements are this transport's
        if self._resolver is None:
            self._own_resolver = self._guard.resolver  # the system's, which the mail lookups use too
        self._fetcher = Fetcher(self._transport, self.settings)
        self._listings = Listings(
            self.read_page,
            self._organisations,
            self.regions,
            max_redirects=self.settings.max_redirects,
            excluded=self._excluded,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._reader.close()
        if self._transport is not None:
            await self._transport.close()
        if self._own_resolver is not None:
            await self._own_resolver.close()
        if self._own_mail_resolver is not None:
            await self._own_mail_resolver.close()
        if self._cookies is not None and self.settings.cookie_jar is not None:
            await asyncio.to_thread(cookies.save, cookies.netscape(self._cookies), Path(self.settings.cookie_jar))

    @property
    def network(self) -> Network:
        """The network this checker talks to (a cluster run sends its spec to the workers)."""
        return self._network

    @property
    def fetcher(self) -> Fetcher:
        assert self._fetcher is not None, "use `async with Checker(...)`"
        return self._fetcher

    @property
    def listings(self) -> Listings:
        assert self._listings is not None, "use `async with Checker(...)`"
        return self._listings

    async def check(self, references: Iterable[Reference], progress: Progress | None = None) -> CheckRun:
        """Every reference's verdict, in order: :meth:`prepare`, :meth:`check_part` on them all, :meth:`conclude`.

        A cluster run (:mod:`auditor.cluster`) takes the same three steps, the middle one on
        host shards in other processes, and concludes on the coordinator.
        """
        started = time.monotonic()
        prepared = self.prepare(references)
        with _fewer_collections():
            if progress is None:
                part = await self.check_part(prepared)
            else:
                progress.start(len(prepared))
                try:
                    part = await self.check_part(prepared, progress=progress)
                finally:
                    progress.finish()
        return await self.conclude(prepared, [part], started)

    def prepare(self, references: Iterable[Reference]) -> Prepared:
        """The run's references as checked (--remap applied), the addresses asked with a
        #fragment, and the organisations' pages starting to load: call before :meth:`check_part`."""
        written = list(references)
        # --remap: the rewritten address is checked; the results keep the reference as written.
        checked = [_remapped(ref, self.settings) for ref in written]
        self._with_fragments = {
            Address.of(ref.target.url).url
            for ref in checked
            if isinstance(ref.target, Url)
            and self.settings.fragments is not FragmentPolicy.OFF
            and "#" in ref.target.url  # no fragment: nothing to split
            and fragments.needs_anchor(urlsplit(ref.target.url).fragment)
        }
        self.listings.start(checked)  # phones' organisations; their pages start loading
        self._keep.update(Address.of(url) for url in self.listings.wanted())  # a link to one is its page too
        return Prepared(written, checked)

    def holds(self, address: Address) -> bool:
        """Whether this checker already has (or will have) ``address``'s answer: a page crawled,
        read as an input, or read for an organisation. A cluster run checks it here, not in a shard."""
        return (
            address in self._urls
            or address in self._keep
            or address in self._reads
            or (bool(self._aliases) and address.without_slash() in self._aliases)
        )

    def shard_place(self, ref: Reference) -> str | None:
        """Where a cluster run may check ``ref`` (as checked, --remap applied) in another process:
        its registrable domain (its host when it has none). None when it is checked here: not a
        web address, skipped (--exclude, robots.txt, a refused address), or an address this
        checker holds already (:meth:`holds`)."""
        address = _web_address(ref)
        if address is None or not isinstance(ref.target, Url) or not _parsed_alike(url := ref.target.url, address):
            return None  # an unusual form: checked here, as it is written
        if self._skipped(url, address.scheme, address) is not None or self.holds(address):
            return None
        return address.site

    @staticmethod
    def cache_key(ref: Reference) -> str | None:
        """The cross-run cache's key of ``ref``'s address (a web address's), as its check uses it."""
        address = _web_address(ref)
        return None if address is None else address.check_key

    async def check_part(
        self, prepared: Prepared, indexes: Sequence[int] | None = None, *, progress: Progress | None = None
    ) -> Part:
        """The verdicts of ``prepared``'s references at ``indexes`` (None: all), before the run is
        judged as a whole (:meth:`conclude`: a network outage, organisations' expected text).
        ``progress`` is told of each (not started nor finished here)."""
        positions = range(len(prepared)) if indexes is None else indexes
        checked = [prepared.checked[i] for i in positions]
        outcomes = await self._outcomes(checked, progress)
        verdicts = []
        for original, ref, outcome in zip((prepared.written[i] for i in positions), checked, outcomes, strict=True):
            verdict = outcome.verdict
            if self.settings.fragments is not FragmentPolicy.OFF and (missing := _missing_fragment(ref, outcome)):
                verdict = replace(verdict, findings=(*verdict.findings, missing))
                if self.settings.fragments is FragmentPolicy.FAIL and verdict.status.is_healthy:
                    verdict = replace(verdict, status=Status.MISSING_FRAGMENT, reason=missing.detail)
            if verdict.suggestion and isinstance(ref.target, Url):
                verdict = replace(verdict, suggestion=_with_fragment_of(ref.target.url, verdict.suggestion))
            if ref is not original and isinstance(ref.target, Url):
                verdict = replace(
                    verdict, remapped=ref.target.url, reason=f"remapped to {ref.target.url}: {verdict.reason}"
                )
            verdicts.append(verdict)
        failed = tuple(i for i, outcome in zip(positions, outcomes, strict=True) if outcome.network_failure)
        return Part(
            positions if isinstance(positions, range) else tuple(positions),
            tuple(verdicts),
            answered=any(o.answered for o in outcomes),
            network_failures=failed,
            requests=self.fetcher.requests,
        )

    async def conclude(self, prepared: Prepared, parts: Iterable[Part], started: float) -> CheckRun:
        """The run from its parts: when no host answered in any part and some failed at the
        network level, and no outage witness answers either, the network is down (those
        references are ``unchecked``, not dead); organisations' pages that no longer say what
        they should add their findings. ``started``: the run's start (time.monotonic())."""
        verdicts: list[Verdict | None] = [None] * len(prepared)
        answered, failures, requests = False, set[int](), 0
        for part in parts:
            for i, verdict in zip(part.indexes, part.verdicts, strict=True):
                verdicts[i] = verdict
            answered = answered or part.answered
            failures.update(part.network_failures)
            requests += part.requests
        down = await self._network_down(answered, bool(failures))
        expected = await self.deadline.value(self.listings.expected_text(), {})
        results = []
        for i, (original, ref) in enumerate(zip(prepared.written, prepared.checked, strict=True)):
            found = verdicts[i]
            assert found is not None, f"no part checked reference {i}"
            verdict = found
            if down and i in failures:
                verdict = _unreached(verdict)
            if expected and (extra := expected_findings(ref, verdict, expected)):
                verdict = replace(verdict, findings=(*verdict.findings, *extra))
            results.append(Checked(original, verdict))
        elapsed = int((time.monotonic() - started) * 1000)
        cached = sum(1 for item in results if item.verdict.cached)
        notes: tuple[str, ...] = ()
        if unchecked := sum(1 for item in results if item.verdict.cause is Cause.DEADLINE):
            what = "reference" if unchecked == 1 else "references"
            notes = (f"--max-duration ({self.deadline.seconds:g}s) ran out: {unchecked:,} {what} not checked",)
        return CheckRun(tuple(results), down, requests, elapsed, cached, notes)

    async def _network_down(self, answered: bool, failed: bool) -> bool:
        """No host answered and some failed at the network level, and no witness answers
        either (:mod:`.outage`): the network is down, not those hosts."""
        if answered or not failed:
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

    # -- what the crawler asks (auditor.crawl.visitor.Visitor) ---------------------------

    def gate(self, gate: Gate) -> None:
        """Also skip the addresses ``gate`` gives a reason for (a crawled site's robots.txt)."""
        self._gates.append(gate)

    def slow_down(self, host: str, seconds: float) -> None:
        """Space the requests to ``host`` by at least ``seconds`` (robots.txt's Crawl-delay)."""
        self.fetcher.politeness.slot(host).slow_down(seconds)

    async def fetch(self, url: str, *, max_bytes: int | None = None) -> Trail:
        """``url`` with its redirects followed, not checked (robots.txt, a sitemap)."""
        return await follow(self.fetcher, url, self.settings.max_redirects, max_bytes=max_bytes)

    async def visit(self, url: str, *, reuse: bool, max_bytes: int) -> Visit:
        """Check a page the crawler reads, keeping the page (up to ``max_bytes``) for it.

        Every reference to ``url``, or to another form of it with the same page key
        (``/about`` for ``/about/``), then shares this check: the page is fetched once.
        ``reuse``: the cache holds what the page contained, so a fresh cached verdict (or
        a 304) is enough and the page is not fetched.
        """
        address = Address.of(url)
        page_form = address.without_slash()
        known = self._urls.get(address) or self._aliases.get(page_form)
        if known is not None:  # already checked (two crawls overlap): not fetched again
            outcome, kept = await known
            return Visit(outcome.verdict, kept if isinstance(kept, Page) else None)
        future: asyncio.Future[_Fetched] = asyncio.get_running_loop().create_future()
        self._urls[address] = self._aliases[page_form] = future
        try:
            anchors = self.settings.fragments is not FragmentPolicy.OFF  # links into crawled pages may name them
            outcome, final = await self._check_url(address, max_bytes=max_bytes, reuse=reuse, wants_anchors=anchors)
            future.set_result((outcome, final if address in self._keep else None))
        finally:
            if not future.done():  # failed or cancelled: whoever waits for it must not wait forever
                future.cancel()
        return Visit(outcome.verdict, final if isinstance(final, Page) else None)

    async def visited(self, url: str, *, max_bytes: int) -> tuple[Visit, Outcome]:
        """:meth:`visit` (not reusing the cache) and the page's outcome: what a cluster worker
        sends back for a crawl, to be :meth:`record`-ed by the coordinator."""
        visit = await self.visit(url, reuse=False, max_bytes=max_bytes)
        address = Address.of(url)
        outcome, _ = await (self._urls.get(address) or self._aliases[address.without_slash()])
        return visit, outcome

    def fresh_in_cache(self, address: Address) -> bool:
        """Whether the cross-run cache holds a result of ``address`` young enough to use without a request."""
        hit = self.cache.lookup(address.check_key) if self.cache is not None else None
        return hit is not None and hit.fresh

    def record(self, url: str, outcome: Outcome, page: Page | None) -> None:
        """A page's check made elsewhere (a cluster worker's, for a crawl): references to it, and
        another crawl reading it, share it as if it had been made here; the cache keeps it."""
        address = Address.of(url)
        future: asyncio.Future[_Fetched] = asyncio.get_running_loop().create_future()
        future.set_result((outcome, page if address in self._keep else None))
        self._urls.setdefault(address, future)
        self._aliases.setdefault(address.without_slash(), future)
        if self.cache is not None and not outcome.verdict.cached:
            headers = page.headers if page is not None else {}
            self.cache.keep(
                address.check_key,
                outcome.verdict,
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
                anchors=outcome.anchors,
            )

    # -- what organisations' listings ask --------------------------------------------------

    async def read_page(self, url: str) -> PageInput:
        """The page at ``url`` to read (an input page, an organisation's), fetched once per run:
        a check of the address shares the request, whichever comes first."""
        if url_problem(url) is not None:
            return await fetch_input(self.fetcher, url, self.settings.max_redirects)  # says what to correct
        address = Address.of(url)
        self._keep.add(address)
        checked = self._urls.get(address)
        if checked is not None and (final := (await checked)[1]) is not None:
            return as_input(url, final)
        read = self._reads.get(address)
        if read is None:  # the page alone, not checked: a link to it later decides on this answer
            fetching = follow(self.fetcher, address.url, self.settings.max_redirects, max_bytes=MAX_INPUT_BYTES + 1)
            read = self._reads[address] = asyncio.ensure_future(fetching)
        return as_input(url, (await read).final)

    async def _read_before(self, address: Address) -> Trail | None:
        """The answer read for ``address`` before it was checked, when a check may use it (no
        hop of its redirects is one --exclude forbids, as the check's own request would have)."""
        read = self._reads.get(address)
        if read is None or address.schemeless:
            return None
        trail = await read
        later = [hop.url for hop in trail.hops[1:]] + ([trail.url] if trail.hops else [])
        return trail if all(self._hop(url) is None for url in later) else None

    async def _outcomes(self, references: list[Reference], progress: Progress | None = None) -> list[Outcome]:
        """Every reference's outcome, in order, by a pool of workers.

        Not one task per reference: a waiting task costs a few kilobytes, 300 MB for
        100,000 links. Workers take references host by host in turn, so that a host
        with many links does not hold every worker while the others sit idle.
        """
        outcomes: list[Outcome | None] = [None] * len(references)
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
        late = Outcome(Verdict(Status.UNCHECKED, self.deadline.reason, cause=Cause.DEADLINE), "", False, False)
        return [late if o is None else o for o in outcomes]

    async def _outcome(self, ref: Reference) -> Outcome:
        target = ref.target
        if isinstance(target, Invalid):
            return Outcome(self._invalid(target), "", False, False)
        if isinstance(target, Phone):
            return Outcome(await self.listings.verdict(target), "", False, False)
        if isinstance(target, Email):
            domain = target.address.rsplit("@", 1)[1]
            task = self._mail_domains.get(domain)
            if task is None:  # one lookup per mail domain, however many addresses use it
                task = self._mail_domains[domain] = asyncio.ensure_future(self._mail_domain(domain))
            return await task
        return await self._url(target, schemeless=_typed_without_scheme(ref.text, target.url), remote=_from_remote(ref))

    async def _url(self, target: Url, *, schemeless: bool, remote: bool = False) -> Outcome:
        url = target.url
        address = Address.of(url, schemeless=schemeless)
        plain = _parsed_alike(url, address)
        scheme = address.scheme if plain else urlsplit(url).scheme.lower()
        if scheme == "file" and remote:
            why = "a local file named by a remote page is never looked up on this machine"
            return Outcome(Verdict(Status.SKIPPED, why), "", False, False)
        if scheme == "file":
            wants_anchors = Address.of(url).url in self._with_fragments
            return await asyncio.to_thread(_local, url, wants_anchors)
        if not scheme and local_site.is_unplaced(url):
            unplaced = Verdict(Status.UNCHECKED, local_site.ROOT_RELATIVE_REASON, cause=Cause.UNPLACED)
            return Outcome(unplaced, "", False, False)
        skipped = self._skipped(url, scheme, address if plain else None)
        if skipped is not None:
            outcome = self._skips.get(skipped.reason)
            if outcome is None:  # one per reason: a million excluded links share a handful
                outcome = self._skips[skipped.reason] = Outcome(skipped, "", False, False)
            return outcome
        # Typed without a scheme, it may fall back to http: another check than the link's.
        outcome, _ = await self._once(address)
        return outcome

    async def _once(self, address: Address) -> _Fetched:
        """The outcome of ``address`` in this run, and its final answer when someone reads the page:
        the first caller checks it, the others share that check (the run's result table)."""
        task = self._urls.get(address)
        if task is None and self._aliases and not address.schemeless:
            task = self._aliases.get(address.without_slash())  # a crawled page, written another way
        if task is not None:
            return await task
        # The first caller checks it itself (no task per address); the others wait on the future.
        future = self._urls[address] = asyncio.get_running_loop().create_future()
        try:
            fetched = await self._fetched(address)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # told to the caller below: not "never retrieved" when nobody else waits
            raise
        future.set_result(fetched)
        return fetched

    async def _fetched(self, address: Address) -> _Fetched:
        keep = address in self._keep
        outcome, final = await self._check_url(address, max_bytes=MAX_INPUT_BYTES + 1 if keep else None)
        return outcome, final if keep else None

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

    def _skipped(self, url: str, scheme: str, address: Address | None = None) -> Verdict | None:
        """Why ``url`` is not requested, or None; ``address``: its parse, when urllib would read it alike."""
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
        host: str | None
        if address is not None:
            host, port = address.host, address.port or (443 if scheme == "https" else 80)
        else:
            parts = urlsplit(url)
            host = parts.hostname
            try:
                port = parts.port or (443 if scheme == "https" else 80)
            except ValueError:
                return None  # the request fails as a bad URL
        if not host or self._guard is None:
            return None
        key = (host, port)
        if key in self._refusals:
            why = self._refusals[key]
        else:  # one judgement per host and port: many links share a few hosts
            why = self._refusals[key] = self._guard.refusal_as_written(host, port)
        return Verdict(Status.SKIPPED, why) if why else None

    async def _check_url(
        self,
        address: Address,
        *,
        max_bytes: int | None = None,
        reuse: bool = True,
        wants_anchors: bool | None = None,
    ) -> _Fetched:
        """The outcome for ``address``, and the final answer when one was fetched (a page or a failure).

        With a cache: a fresh healthy result is reused without a request (when ``reuse``),
        an older one is revalidated with a conditional request (a 304 keeps it).
        """
        started = time.monotonic()
        settings = self.settings
        url, schemeless = address.url, address.schemeless
        if wants_anchors is None:
            wants_anchors = url in self._with_fragments
        cache, cache_key = self.cache, address.check_key
        hit = cache.lookup(cache_key) if cache is not None else None
        known = hit.verdict.page if hit is not None else None  # its facts: not read again from the same body
        if hit is not None and (not reuse or (wants_anchors and hit.anchors is None)):
            hit = None  # the caller needs what only a fetch gives: the page, or its anchors
        if hit is not None and hit.fresh:
            return Outcome(mark_cached(hit.verdict, hit.checked_at), host_of(url), True, False, hit.anchors), None
        conditional = hit.conditional_headers() if hit is not None else {}
        trail = None if conditional else await self._read_before(address)
        if trail is None:
            trail = await follow(
                self.fetcher, url, settings.max_redirects, max_bytes=max_bytes, headers=conditional, excluded=self._hop
            )
        final = trail.final
        if hit is not None and conditional and not trail.hops and isinstance(final, Page) and final.status == 304:
            assert cache is not None  # not modified: the stored verdict stands for another max-age
            etag = final.headers.get("etag") or hit.etag
            last_modified = final.headers.get("last-modified") or hit.last_modified
            cache.keep(cache_key, hit.verdict, etag=etag, last_modified=last_modified, anchors=hit.anchors)
            return Outcome(mark_cached(hit.verdict, cache.now), host_of(url), True, False, hit.anchors), None
        if schemeless and _https_unreachable(trail):
            plain = "http://" + url.removeprefix("https://")
            trail = await follow(self.fetcher, plain, settings.max_redirects, max_bytes=max_bytes, excluded=self._hop)
            url = plain
        probe = await self._probe(url, trail) if settings.probe_soft_404 else None
        elapsed_ms = int((time.monotonic() - started) * 1000)
        verdict = decide(
            url, trail, retries=settings.retries, probe=probe, accept=settings.accept, elapsed_ms=elapsed_ms
        )
        failure = trail.final if isinstance(trail.final, Failure) else None
        answered = failure is None or bool(trail.hops)
        network = failure is not None and failure.network and not trail.hops
        anchors = None
        page = trail.final if isinstance(trail.final, Page) else None
        if wants_anchors and page is not None and verdict.status.is_healthy:
            anchors = fragments.html_anchors(page.text)
        if settings.page_facts and verdict.status.is_healthy and page is not None:
            verdict = await self._with_page_facts(verdict, page, known)
        if cache is not None:
            headers = page.headers if page is not None else {}
            etag, last_modified = headers.get("etag"), headers.get("last-modified")
            cache.keep(cache_key, verdict, etag=etag, last_modified=last_modified, anchors=anchors)
        return Outcome(verdict, host_of(url), answered, network, anchors), trail.final

    async def _with_page_facts(self, verdict: Verdict, page: Page, known: PageFacts | None = None) -> Verdict:
        """The verdict with what its final HTML page says about itself (``page``), and ``stale``
        when that page's date is older than ``stale_after_days``. ``known``: the cached facts of
        the address; when they were read from the same body, they are not read again.

        Read once per final URL, off the event loop (:mod:`auditor.check.reader`: htmldate and
        trafilatura are CPU work).
        """
        if not freshness.is_html(page):
            return verdict
        task = self._facts.get(page.url)
        if task is None and (same := freshness.reread(page, known)) is not None:
            task = self._facts[page.url] = asyncio.get_running_loop().create_future()
            task.set_result(same)
        if task is None:
            task = self._facts[page.url] = asyncio.ensure_future(self._reader.facts(page))
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
        address = Address.of(final.url)
        if _parsed_alike(final.url, address) and "%" not in final.url and "/." not in final.url:
            root = address.path == "/"  # no dot segment or escape: the path as written is this one
        else:
            root = urlsplit(final.url).path in ("", "/")
        if root:
            return None
        key = address.origin
        task = self._probes.get(key)
        if task is None:
            parts = urlsplit(final.url)
            folder = parts.path.rsplit("/", 1)[0]
            made_up = urlunsplit((parts.scheme, parts.netloc, f"{folder}/{secrets.token_hex(8)}-no-such-page", "", ""))
            task = self._probes[key] = asyncio.ensure_future(self._probe_answer(made_up))
        return await task

    async def _probe_answer(self, url: str) -> Page | None:
        trail = await follow(self.fetcher, url, self.settings.max_redirects, excluded=self._hop)
        return trail.final if isinstance(trail.final, Page) else None

    async def _mail_domain(self, domain: str) -> Outcome:
        found = await check_domain(self._mail(), domain)
        return Outcome(found.verdict, domain, found.answered, found.network)

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


def _parsed_alike(url: str, address: Address) -> bool:
    """Whether ``address`` has the scheme, host and port urllib reads in ``url`` (then
    ``url`` is not split again): an ASCII address with nothing to strip at its ends."""
    return not address.opaque and url.isascii() and url[:1].isalpha() and not url[-1:].isspace()


def _web_address(ref: Reference) -> Address | None:
    """``ref``'s address as a check reads it (written without a scheme: https, then http), when
    it is a web address with a host."""
    target = ref.target
    if not isinstance(target, Url):
        return None
    address = Address.of(target.url, schemeless=_typed_without_scheme(ref.text, target.url))
    return address if address.is_web else None


def _unreached(verdict: Verdict) -> Verdict:
    """``verdict`` of a reference the network outage kept from being checked: no verdict on it."""
    reason = (
        NETWORK_UNAVAILABLE if verdict.remapped is None else f"remapped to {verdict.remapped}: {NETWORK_UNAVAILABLE}"
    )
    return replace(verdict, status=Status.UNCHECKED, reason=reason, cause=Cause.OUTAGE)


#: The collector's first threshold while references are checked: Python's default (700
#: allocations) runs it hundreds of times over objects that live to the end of the run
#: (references, verdicts, pages), about 5% of a run's CPU; cycles are rare meanwhile.
CHECK_GC_THRESHOLD = 50_000


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect garbage cycles less often while checking (see ``CHECK_GC_THRESHOLD``);
    what was there before (modules, the references) is frozen out of the collections."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(before[0], CHECK_GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _remapped(ref: Reference, settings: CheckSettings) -> Reference:
    """``ref`` with the address its first matching --remap rule gives (itself when none applies)."""
    if not settings.remap or not isinstance(ref.target, Url):
        return ref
    new = remapped(ref.target.url, settings.remap)
    return ref if new is None else replace(ref, target=Url(new))


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


def _missing_fragment(ref: Reference, outcome: Outcome) -> Finding | None:
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


def _local(url: str, wants_anchors: bool) -> Outcome:
    """A local file: there or not; its anchors when a reference points into it (run in a thread)."""
    path = Path(unquote(urlsplit(url).path))
    if not path.exists():
        return Outcome(Verdict(Status.DEAD, f"no such file: {path}"), "", False, False)
    anchors = None
    page = path
    if wants_anchors and path.is_dir():
        # A folder link (sub_dir/#x) is served as the folder's index page.
        page = next((path / name for name in FOLDER_INDEXES if (path / name).is_file()), path)
        if page == path:
            return Outcome(Verdict(Status.OK, f"the folder {path} exists"), "", False, False, frozenset(), True)
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
    return Outcome(Verdict(Status.OK, f"the file {path} exists"), "", False, False, anchors)
