"""One identity per address: the normalisation of :class:`auditor.address.Address` (RFC 3986, 6.2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.address import Address


@pytest.mark.parametrize(
    ("written", "check_key"),
    [
        pytest.param("https://www.example.org/a", "https://www.example.org/a", id="already normal"),
        pytest.param("https://WWW.Example.org/a", "https://www.example.org/a", id="host case"),
        pytest.param("HTTPS://www.example.org/a", "https://www.example.org/a", id="scheme case"),
        pytest.param("https://www.example.org:443/a", "https://www.example.org/a", id="https default port"),
        pytest.param("http://www.example.org:80/a", "http://www.example.org/a", id="http default port"),
        pytest.param("http://www.example.org:443/a", "http://www.example.org:443/a", id="another scheme's port stays"),
        pytest.param("https://www.example.org:8443/a", "https://www.example.org:8443/a", id="other port stays"),
        pytest.param("https://www.example.org", "https://www.example.org/", id="empty path is /"),
        pytest.param("https://www.example.org/a/./b/../c", "https://www.example.org/a/c", id="dot segments"),
        pytest.param("https://www.example.org/a/b/..", "https://www.example.org/a/", id="trailing dot-dot is a folder"),
        pytest.param("https://www.example.org/../../a", "https://www.example.org/a", id="above the root"),
        pytest.param("https://www.example.org/a//b", "https://www.example.org/a//b", id="empty segment stays"),
        pytest.param("https://www.example.org/a#team", "https://www.example.org/a", id="fragment aside"),
        pytest.param("https://www.example.org/%7euser", "https://www.example.org/~user", id="unreserved decoded"),
        pytest.param("https://www.example.org/a%2fb", "https://www.example.org/a%2Fb", id="percent upper case"),
        pytest.param("https://www.example.org/?q=a%3db", "https://www.example.org/?q=a%3Db", id="query percent"),
        pytest.param("https://www.example.org/A", "https://www.example.org/A", id="path case stays"),
        pytest.param("https://bücher.example/", "https://xn--bcher-kva.example/", id="IDNA"),
        pytest.param("https://BÜCHER.example/", "https://xn--bcher-kva.example/", id="IDNA after case"),
        pytest.param("https://faß.de/", "https://xn--fa-hia.de/", id="IDNA 2008 as the request"),
        pytest.param("http://[::1]:8080/x", "http://[::1]:8080/x", id="IPv6 literal"),
        pytest.param("https://user@Example.org/", "https://user@example.org/", id="userinfo kept"),
        pytest.param("http://[::1", "http://[::1", id="unsplittable: as written"),
        pytest.param("mailto:someone@example.org", "mailto:someone@example.org", id="not a web address"),
    ],
)
def test_normalised_check_key(written: str, check_key: str) -> None:
    assert Address.of(written).check_key == check_key


def test_three_written_forms_are_one_address() -> None:
    forms = ["https://WWW.Example.org/a", "https://www.example.org/a", "https://www.example.org:443/a#x"]
    addresses = [Address.of(form) for form in forms]
    assert len(set(addresses)) == 1
    assert len({a.check_key for a in addresses}) == 1
    assert [a.written for a in addresses] == forms  # each keeps how it was written


def test_the_fragment_is_kept_aside() -> None:
    address = Address.of("https://www.example.org/a#Team")
    assert (address.url, address.fragment, address.with_fragment) == (
        "https://www.example.org/a",
        "Team",
        "https://www.example.org/a#Team",
    )


def test_written_without_a_scheme_is_another_check() -> None:
    typed, linked = Address.of("https://www.example.org/a", schemeless=True), Address.of("https://www.example.org/a")
    assert typed != linked
    assert typed.check_key == "schemeless:https://www.example.org/a"
    assert typed.page_key == linked.page_key


@pytest.mark.parametrize(
    ("written", "page_key", "origin", "host", "registrable"),
    [
        ("https://www.example.org/about/", "https://www.example.org/about", "https://www.example.org", "www.example.org", "example.org"),
        ("https://www.example.org/about", "https://www.example.org/about", "https://www.example.org", "www.example.org", "example.org"),
        ("https://www.example.org/", "https://www.example.org/", "https://www.example.org", "www.example.org", "example.org"),
        ("https://shop.example.co.uk:8443/a/?x=1", "https://shop.example.co.uk:8443/a?x=1", "https://shop.example.co.uk:8443", "shop.example.co.uk", "example.co.uk"),
        ("http://[::1]:8080/x/", "http://[::1]:8080/x", "http://[::1]:8080", "::1", ""),
        ("file:///tmp/a.html", "file:///tmp/a.html", "", "", ""),
    ],
)  # fmt: skip
def test_keys_and_parts(written: str, page_key: str, origin: str, host: str, registrable: str) -> None:
    address = Address.of(written)
    assert (address.page_key, address.origin, address.host, address.registrable_domain) == (
        page_key,
        origin,
        host,
        registrable,
    )


_label = st.text(alphabet="abcXYZ019-", min_size=1, max_size=6).filter(lambda s: not s.startswith("-"))
_segment = st.sampled_from(["a", "B", ".", "..", "", "%7e", "%2f", "~x", "ü"])


@given(
    scheme=st.sampled_from(["http", "HTTPS", "https"]),
    labels=st.lists(_label, min_size=1, max_size=3),
    port=st.sampled_from(["", ":80", ":443", ":8080"]),
    segments=st.lists(_segment, max_size=6),
    query=st.sampled_from(["", "?q=%7e", "?a=1&b=%2F"]),
    fragment=st.sampled_from(["", "#x", "#"]),
)
def test_normalising_twice_changes_nothing(
    scheme: str, labels: list[str], port: str, segments: list[str], query: str, fragment: str
) -> None:
    url = f"{scheme}://{'.'.join(labels)}.org{port}/{'/'.join(segments)}{query}{fragment}"
    once = Address.of(url)
    twice = Address.of(once.url)
    assert twice == once
    assert twice.url == once.url
    assert Address.of(once.url).page_key == once.page_key
