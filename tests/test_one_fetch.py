"""One address, one request per run (issue 16): however it is written, whoever asks for it.

Asserted on the fake web's request log: a link, a link written another way, an
organisation's page and a crawled page share one fetch of the address.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from auditor.check.organisations import OrganisationSpec
from auditor.check.settings import CheckSettings
from auditor.fakeweb import FakeWeb, page
from auditor.pipeline import check_references, check_sources
from auditor.reference import Url
from auditor.sources import Format, resolve_inputs
from auditor.verdict import CheckRun, Status
from tests.conftest import extract

FAST = CheckSettings(timeout=2, retries=0, host_request_interval=0, probe_soft_404=False)
SITES = {
    "www.example.org": {
        "/": page("<title>Example</title><p>Call the Example helpline on 0808 808 00 00.</p>"),
        "/a": page("<title>A</title><p>Page a, a page with enough words to be a page.</p>"),
        "/b/": page("<title>B</title><p>Page b.</p>"),
        "*": page("<title>Not here</title><p>Sorry, no such page.</p>", status=404),
    }
}


def run(text: str, organisations: Sequence[OrganisationSpec] = (), fmt: Format = Format.TEXT) -> tuple[CheckRun, list]:
    async def go() -> tuple[CheckRun, list]:
        async with FakeWeb(SITES) as web:
            checked = await check_references(
                extract(text, fmt),
                FAST,
                resolver=web.resolver,
                ssl=web.client_ssl,
                organisations=organisations,
                regions=("GB",),
            )
            return checked, [r.path_qs for r in web.requests_to("www.example.org")]

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("forms", "path"),
    [
        pytest.param(
            ["https://WWW.Example.org/a", "https://www.example.org/a", "https://www.example.org:443/a"], "/a", id="case and port"
        ),
        pytest.param(["https://www.example.org/a#one", "https://www.example.org/a#two"], "/a", id="fragments"),
        pytest.param(["https://www.example.org/x/../a", "https://www.example.org/./a"], "/a", id="dot segments"),
        pytest.param(["https://www.example.org/%62/", "https://www.example.org/b/"], "/b/", id="percent-encoding"),
    ],
)  # fmt: skip
def test_one_address_written_several_ways_is_one_request(forms: list[str], path: str) -> None:
    checked, asked = run("\n\n".join(f"See {form} for more." for form in forms))
    assert asked == [path]  # nothing else: no second form
    assert [item.reference.text for item in checked.results] == forms  # each reported as written
    assert {item.verdict.status for item in checked.results} == {Status.OK}


def test_three_written_forms_are_three_references_and_one_request() -> None:
    forms = ["https://WWW.Example.org/a", "https://www.example.org/a", "https://www.example.org:443/a"]
    checked, asked = run("\n\n".join(forms))
    assert asked == ["/a"]
    reported = {item.reference.text: item.verdict.status for item in checked.results}
    assert reported == dict.fromkeys(forms, Status.OK)


def test_an_organisation_page_that_is_also_a_link_is_fetched_once() -> None:
    example = OrganisationSpec("Example", "https://www.example.org/", phones=("0808 808 00 00",), expect=("Example",))
    text = "Call 0808 808 00 00 (https://www.example.org/) or read https://www.example.org/a"
    checked, asked = run(text, (example,))
    assert asked.count("/") == 1, asked
    statuses = {_url(item) or item.reference.text: item.verdict.status for item in checked.results}
    assert statuses["https://www.example.org/"] is Status.OK
    assert Status.CONFIRMED in statuses.values()


def test_a_phone_beside_a_link_shares_the_link_request() -> None:
    checked, asked = run("Call 0808 808 00 00, https://www.example.org/")
    assert asked.count("/") == 1, asked
    assert Status.CONFIRMED in {item.verdict.status for item in checked.results}


def _url(item: object) -> str | None:
    target = item.reference.target  # type: ignore[attr-defined]
    return target.url if isinstance(target, Url) else None


def test_an_input_page_that_links_to_itself_is_fetched_once() -> None:
    sites = {
        "www.example.org": {
            "/guide": page(
                '<title>Guide</title><a href="/guide">this guide</a> <a href="https://WWW.example.org/a">a</a>'
            ),
            "/a": page("<title>A</title><p>Page a.</p>"),
        }
    }

    async def go() -> tuple[list[str], dict[str, Status]]:
        async with FakeWeb(sites) as web:
            sources = resolve_inputs(["https://www.example.org/guide"])
            audit = await check_sources(sources, FAST, resolver=web.resolver, ssl=web.client_ssl)
            verdicts = {item.reference.text: item.verdict.status for item in audit.run.results}
            return [r.path_qs for r in web.requests_to("www.example.org")], verdicts

    asked, verdicts = asyncio.run(go())
    assert sorted(asked) == ["/a", "/guide"]
    assert verdicts == {"/guide": Status.OK, "https://WWW.example.org/a": Status.OK}
