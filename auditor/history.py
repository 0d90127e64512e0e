"""Memory across runs: what each run saw of each reference, kept in one sqlite file.

The weekly report says what is new, what got fixed and what has been broken for a
month; that needs the previous runs. :meth:`History.compare` reads what the history
remembers of this run's references (without writing), :meth:`History.record` then
stores the run in one transaction, so a crash or a kill leaves the previous history
whole.

Flap damping: a reference failing with a transient status (``error``: a timeout, a 5xx,
a reset connection) counts as failing only once it has failed ``confirm_after`` runs in
a row; ``dead``, ``soft-404``, ``parked`` and any other failing status count at once. A
reference once confirmed stays confirmed while it keeps failing.

"Previous" means the run that last saw the reference, which is the previous run unless
the reference was missing from it (a document changed and changed back): a broken link
that comes back is still broken, not new.

The schema is versioned with ``PRAGMA user_version``: :data:`MIGRATIONS` holds one SQL
script per version, applied in order, each in its own transaction. Times are stored as
ISO 8601 UTC strings and always come from the caller: nothing here reads the clock but
the name given to a file set aside by ``reset``. See docs/history.md.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from auditor.errors import AuditorError
from auditor.reference import Reference
from auditor.verdict import Status, Verdict

#: Seconds to wait for another process's write before calling the history locked.
BUSY_TIMEOUT = 5.0

#: One SQL script per schema version: MIGRATIONS[0] makes version 1 from an empty file.
#: A new version is one more entry; never edit an entry that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE run (
        id          INTEGER PRIMARY KEY,
        started_at  TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        config_hash TEXT NOT NULL,
        counts      TEXT NOT NULL,   -- JSON object: status value -> references
        failing     INTEGER NOT NULL,
        report      TEXT
    );
    CREATE TABLE observation (
        run_id      INTEGER NOT NULL REFERENCES run (id),
        key         TEXT NOT NULL,
        status      TEXT NOT NULL,
        http_status INTEGER,
        final_url   TEXT,
        fingerprint TEXT,
        title       TEXT,
        findings    TEXT NOT NULL,   -- JSON array of finding kinds
        PRIMARY KEY (run_id, key)
    ) WITHOUT ROWID;
    CREATE INDEX observation_by_key ON observation (key, run_id);
    CREATE TABLE reference_state (
        key           TEXT PRIMARY KEY,
        first_seen    TEXT NOT NULL,
        last_run      INTEGER NOT NULL REFERENCES run (id),
        status        TEXT NOT NULL,
        status_since  TEXT NOT NULL,
        failing_runs  INTEGER NOT NULL,
        confirmed     INTEGER NOT NULL,
        fingerprint   TEXT,
        title         TEXT,
        etag          TEXT,
        last_modified TEXT
    ) WITHOUT ROWID;
    """,
    # 2: the cross-run cache (issue 6). A healthy check result per address, and what a
    # crawled page held (its references and links), so a warm run need not ask again.
    """
    CREATE TABLE cached_check (
        key           TEXT PRIMARY KEY,  -- the address checked; "schemeless:" + it when typed without a scheme
        checked_at    TEXT NOT NULL,
        verdict       TEXT NOT NULL,     -- JSON (auditor.check.cache)
        etag          TEXT,
        last_modified TEXT,
        anchors       TEXT               -- JSON array of the page's ids and names, when read
    ) WITHOUT ROWID;
    CREATE TABLE cached_page (
        key        TEXT PRIMARY KEY,     -- the crawl's page key
        checked_at TEXT NOT NULL,
        content    BLOB NOT NULL         -- zlib-compressed JSON: the page's source, references and links
    );
    """,
    # 3: each run's four groups as its report showed them (issue 17), so the index and the
    # trend read the run's own summary instead of recounting statuses. NULL: recorded before.
    """
    ALTER TABLE run ADD COLUMN groups TEXT;  -- JSON object: group value -> references (Summary.group_counts)
    """,
)


class HistoryError(AuditorError):
    """The history file cannot be used: corrupt, too new, locked or unreadable (exit 2)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Observation:
    """What one run saw of one reference.

    ``key`` is :func:`reference_key`; ``fingerprint`` and ``title`` are the page's when
    it was read; ``findings`` the kinds of its findings (``stale``, ``content-changed`` …).
    """

    key: str
    status: Status
    http_status: int | None = None
    final_url: str | None = None
    fingerprint: str | None = None
    title: str | None = None
    findings: tuple[str, ...] = ()

    @classmethod
    def of(cls, reference: Reference, verdict: Verdict) -> Observation:
        page = verdict.page
        return cls(
            key=reference_key(reference),
            status=verdict.status,
            http_status=verdict.http_status,
            final_url=verdict.final_url,
            fingerprint=page.fingerprint if page else None,
            title=page.title if page else None,
            findings=tuple(finding.kind.value for finding in verdict.findings),
        )


@dataclass(frozen=True, slots=True)
class Memory:
    """What the history knows of one reference, as of this run.

    ``previous_status`` is ``None`` on first sight; ``status_since`` is when the current
    status began; ``failing_runs`` counts the runs in a row, this one included, whose
    status was failing (0 when it is not failing now); ``confirmed`` says it counts as
    failing now, past flap damping. ``previous_fingerprint`` and ``previous_title`` are
    those of the last run that read the page.
    """

    previous_status: Status | None
    first_seen: dt.datetime
    status_since: dt.datetime
    failing_runs: int
    confirmed: bool
    previous_fingerprint: str | None
    previous_title: str | None


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One recorded run; ``counts`` by status value (statuses seen only), ``failing`` confirmed failing.

    ``groups``: references by group value (``fails``, ``replace``, ``check by hand``,
    ``fine``) exactly as the run's report counted them; ``None`` for a run recorded
    before schema version 3 (or without a summary): :func:`auditor.report.summary.estimated_groups`
    rebuilds them from ``counts`` and ``failing``.
    """

    id: int
    started_at: dt.datetime
    finished_at: dt.datetime
    config_hash: str
    counts: Mapping[str, int]
    failing: int
    report: str | None
    groups: Mapping[str, int] | None = None


class RunTally(Protocol):
    """What :meth:`History.record` keeps of the run's summary (:class:`auditor.report.summary.Summary`
    is one; a protocol, because the report layer imports the history, not the other way round)."""

    @property
    def total(self) -> int: ...

    @property
    def failing(self) -> int: ...

    @property
    def group_counts(self) -> Mapping[str, int]: ...


@dataclass(frozen=True, slots=True)
class Comparison:
    """This run against the history: a memory per key, and the keys that changed side.

    ``new_broken``: confirmed failing now, not before (on the first run, every confirmed
    failing reference). ``still_broken``: confirmed failing now and before. ``fixed``:
    confirmed failing before, present and not failing now. A key no longer seen is in
    none of them. Keys keep the order of the observations.
    """

    memories: Mapping[str, Memory]
    new_broken: tuple[str, ...]
    fixed: tuple[str, ...]
    still_broken: tuple[str, ...]
    previous: RunInfo | None


def reference_key(reference: Reference) -> str:
    """The key a reference is remembered by across runs: ``url:https://…``, ``phone:+44…``."""
    return reference.key


@dataclass(frozen=True, slots=True)
class StoredCheck:
    """One row of the cross-run cache as stored: the verdict and anchors stay JSON text
    (decoded by :mod:`auditor.check.cache` only when used)."""

    key: str
    checked_at: dt.datetime
    verdict: str
    etag: str | None
    last_modified: str | None
    anchors: str | None


@dataclass(frozen=True, slots=True)
class _State:
    first_seen: dt.datetime
    status: Status
    status_since: dt.datetime
    failing_runs: int
    confirmed: bool
    fingerprint: str | None
    title: str | None


class History:
    """An open history file. Use it from one thread at a time (any thread: ``asyncio.to_thread``)."""

    def __init__(self, path: Path, connection: sqlite3.Connection, busy_timeout: float) -> None:
        self.path = path
        self._db = connection
        self._busy_timeout = busy_timeout

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        reset: bool = False,
        busy_timeout: float = BUSY_TIMEOUT,
        now: dt.datetime | None = None,
    ) -> History:
        """Open the history at ``path``, creating it (and its folder) when missing.

        A file that is not a history, or one written by a newer auditor, is refused
        rather than recreated. ``reset`` first moves the existing file aside to
        ``<name>.old-<UTC time>`` (``.corrupt-`` when it was no history) and starts an
        empty one; nothing is ever deleted. ``now`` names that file (default: the clock).
        """
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(f"cannot create the history {path}: {exc.strerror or exc}") from exc
        if reset and path.exists():
            _set_aside(path, busy_timeout, now or dt.datetime.now(dt.UTC))
        connection = _connect(path, busy_timeout)
        history = cls(path, connection, busy_timeout)
        try:
            with history._translate():
                history._migrate()
        except BaseException:
            connection.close()
            raise
        return history

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def _migrate(self) -> None:
        self._db.execute("PRAGMA journal_mode = WAL")  # readers (the index, the scheduler) never wait for a run
        self._db.execute("PRAGMA foreign_keys = ON")
        version = _user_version(self._db)
        if version > len(MIGRATIONS):
            raise HistoryError(
                f"{self.path} was written by a newer auditor (history schema version {version}; this one knows "
                f"up to {len(MIGRATIONS)}): upgrade auditor, or --reset-history starts a new history; "
                f"the old file is kept as {self.path.name}.old-<timestamp>"
            )
        if version == 0 and self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise _not_a_history(self.path, "a sqlite database, but not an auditor history")
        for target in range(version + 1, len(MIGRATIONS) + 1):
            script = MIGRATIONS[target - 1]
            try:
                # executescript commits before it starts, so the transaction is part of the script.
                self._db.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {target};\nCOMMIT;")
            except sqlite3.Error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if _user_version(self._db) >= target:
                    continue  # another process migrated it meanwhile
                raise

    # -- reading -------------------------------------------------------------------------

    def last_run(self) -> RunInfo | None:
        runs = self.runs(limit=1)
        return runs[0] if runs else None

    def runs(self, limit: int | None = None) -> list[RunInfo]:
        """Recorded runs, newest first (all of them unless ``limit``)."""
        with self._translate():
            rows = self._db.execute(
                "SELECT id, started_at, finished_at, config_hash, counts, failing, report, groups FROM run "
                "ORDER BY id DESC LIMIT ?",
                (-1 if limit is None else limit,),
            ).fetchall()
        return [_run_info(row) for row in rows]

    def compare(
        self,
        observations: Sequence[Observation],
        *,
        now: dt.datetime,
        fail_on: Collection[Status],
        confirm_after: int,
    ) -> Comparison:
        """What the history remembers of each observation, and what is new, fixed, still broken.

        Reads only; :meth:`record` stores the run afterwards.
        """
        now = _utc(now)
        if confirm_after < 1:
            raise ValueError(f"confirm_after must be at least 1, not {confirm_after}")
        _check_unique(observations)
        with self._translate():
            previous = self.last_run()
            states = self._states()
        memories: dict[str, Memory] = {}
        new_broken: list[str] = []
        fixed: list[str] = []
        still_broken: list[str] = []
        for obs in observations:
            state = states.get(obs.key)
            was_confirmed = state is not None and state.confirmed
            failing = obs.status in fail_on
            failing_runs = ((state.failing_runs if state else 0) + 1) if failing else 0
            confirmed = failing and (not obs.status.is_transient or failing_runs >= confirm_after or was_confirmed)
            memories[obs.key] = Memory(
                previous_status=state.status if state else None,
                first_seen=state.first_seen if state else now,
                status_since=state.status_since if state and state.status == obs.status else now,
                failing_runs=failing_runs,
                confirmed=confirmed,
                previous_fingerprint=state.fingerprint if state else None,
                previous_title=state.title if state else None,
            )
            if confirmed:
                (still_broken if was_confirmed else new_broken).append(obs.key)
            elif was_confirmed and not failing:
                fixed.append(obs.key)
        return Comparison(memories, tuple(new_broken), tuple(fixed), tuple(still_broken), previous)

    def _states(self) -> dict[str, _State]:
        rows = self._db.execute(
            "SELECT key, first_seen, status, status_since, failing_runs, confirmed, fingerprint, title "
            "FROM reference_state"
        )
        return {
            key: _State(_time(first), Status(status), _time(since), runs, bool(confirmed), fingerprint, title)
            for key, first, status, since, runs, confirmed, fingerprint, title in rows
        }

    # -- writing -------------------------------------------------------------------------

    def record(
        self,
        observations: Sequence[Observation],
        comparison: Comparison,
        *,
        started_at: dt.datetime,
        finished_at: dt.datetime,
        config_hash: str,
        report: str | None,
        summary: RunTally | None = None,
    ) -> RunInfo:
        """Store a run compared with :meth:`compare`: all of it, or (on any failure) nothing.

        ``summary`` is the run's summary as its report showed it: its group counts and its
        failing are stored as they are, so the index and the trend show the report's numbers.
        Without one the groups stay unknown (``None``) and failing is the confirmed count.
        """
        started_at, finished_at = _utc(started_at), _utc(finished_at)
        _check_unique(observations)
        missing = [obs.key for obs in observations if obs.key not in comparison.memories]
        if missing:
            raise ValueError(f"not in the comparison: {', '.join(missing[:3])}")
        tally = Counter(obs.status for obs in observations)
        counts = {status.value: tally[status] for status in Status if tally[status]}
        failing = sum(comparison.memories[obs.key].confirmed for obs in observations)
        groups: dict[str, int] | None = None
        if summary is not None:
            if summary.total != len(observations):
                raise ValueError(f"the summary counts {summary.total} references, the run {len(observations)}")
            groups = dict(summary.group_counts)
            failing = summary.failing
        with self._translate(), self._transaction():
            latest = self._db.execute("SELECT max(id) FROM run").fetchone()[0]
            if latest != (comparison.previous.id if comparison.previous else None):
                raise HistoryError(
                    f"{self.path}: another run was recorded after this one was compared; run the audit again"
                )
            run_id = self._db.execute(
                "INSERT INTO run (started_at, finished_at, config_hash, counts, failing, report, groups) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    _iso(started_at),
                    _iso(finished_at),
                    config_hash,
                    json.dumps(counts),
                    failing,
                    report,
                    None if groups is None else json.dumps(groups),
                ),
            ).lastrowid
            assert run_id is not None
            # One statement each for all the rows (executemany): a run of 20,000 references is 40,000 rows.
            self._db.executemany(
                "INSERT INTO observation (run_id, key, status, http_status, final_url, fingerprint, title, "
                "findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        run_id,
                        obs.key,
                        obs.status.value,
                        obs.http_status,
                        obs.final_url,
                        obs.fingerprint,
                        obs.title,
                        json.dumps(list(obs.findings)),
                    )
                    for obs in observations
                ],
            )
            # The page's fingerprint and title are kept from the last run that read it, so a
            # page that failed for a week is compared with what it said before.
            self._db.executemany(
                "INSERT INTO reference_state (key, first_seen, last_run, status, status_since, failing_runs, "
                "confirmed, fingerprint, title) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET last_run = excluded.last_run, status = excluded.status, "
                "status_since = excluded.status_since, failing_runs = excluded.failing_runs, "
                "confirmed = excluded.confirmed, "
                "fingerprint = CASE WHEN excluded.fingerprint IS NULL AND excluded.title IS NULL "
                "THEN fingerprint ELSE excluded.fingerprint END, "
                "title = CASE WHEN excluded.fingerprint IS NULL AND excluded.title IS NULL "
                "THEN title ELSE excluded.title END",
                [
                    (
                        obs.key,
                        _iso(memory.first_seen),
                        run_id,
                        obs.status.value,
                        _iso(memory.status_since),
                        memory.failing_runs,
                        memory.confirmed,
                        obs.fingerprint,
                        obs.title,
                    )
                    for obs in observations
                    for memory in (comparison.memories[obs.key],)
                ],
            )
        return RunInfo(run_id, started_at, finished_at, config_hash, counts, failing, report, groups)

    # -- the cross-run cache ---------------------------------------------------------------

    def cached_checks(self) -> dict[str, StoredCheck]:
        """Every cached check result, by key (small rows: read at the start of a run)."""
        with self._translate():
            rows = self._db.execute(
                "SELECT key, checked_at, verdict, etag, last_modified, anchors FROM cached_check"
            ).fetchall()
        return {row[0]: StoredCheck(row[0], _time(row[1]), row[2], row[3], row[4], row[5]) for row in rows}

    def cached_page(self, key: str) -> bytes | None:
        """What a crawled page held (compressed), or None (read one page at a time: these are big)."""
        with self._translate():
            row = self._db.execute("SELECT content FROM cached_page WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def save_cache(
        self,
        checks: Sequence[StoredCheck],
        pages: Sequence[tuple[str, dt.datetime, bytes]],
        forget: Collection[str],
        *,
        older_than: dt.datetime,
    ) -> None:
        """Store this run's healthy results, forget the keys that failed, and drop entries not
        refreshed since ``older_than``: all of it or nothing."""
        with self._translate(), self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO cached_check (key, checked_at, verdict, etag, last_modified, anchors) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(c.key, _iso(c.checked_at), c.verdict, c.etag, c.last_modified, c.anchors) for c in checks],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO cached_page (key, checked_at, content) VALUES (?, ?, ?)",
                [(key, _iso(at), content) for key, at, content in pages],
            )
            self._db.executemany("DELETE FROM cached_check WHERE key = ?", [(key,) for key in forget])
            self._db.executemany("DELETE FROM cached_page WHERE key = ?", [(key,) for key in forget])
            self._db.execute("DELETE FROM cached_check WHERE checked_at < ?", (_iso(older_than),))
            self._db.execute("DELETE FROM cached_page WHERE checked_at < ?", (_iso(older_than),))

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")  # take the write lock now, not half-way through
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    @contextmanager
    def _translate(self) -> Iterator[None]:
        """sqlite's errors as HistoryErrors that name the file and say what to do."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _history_error(self.path, exc, self._busy_timeout) from exc


# -- files ---------------------------------------------------------------------------------


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    try:
        # isolation_level=None: transactions are begun and ended explicitly, nothing implicit.
        return sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise _history_error(path, exc, busy_timeout) from exc


def _set_aside(path: Path, busy_timeout: float, now: dt.datetime) -> None:
    """Move ``path`` and its -wal/-shm to ``<name>.old-<time>`` (or ``.corrupt-``), refusing one in use."""
    why = "corrupt" if _is_corrupt(path, busy_timeout) else "old"
    stamp = _utc(now).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.{why}-{stamp}")
    n = 1
    while any(Path(f"{aside}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
        aside = path.with_name(f"{path.name}.{why}-{stamp}-{n}")
        n += 1
    try:
        path.rename(aside)
        # A stale -wal beside a new file would be replayed into it: it goes with its database.
        for suffix in ("-wal", "-shm"):
            companion = Path(f"{path}{suffix}")
            if companion.exists():
                companion.rename(Path(f"{aside}{suffix}"))
    except OSError as exc:
        raise HistoryError(f"cannot move {path} aside to reset the history: {exc.strerror or exc}") from exc


def _is_corrupt(path: Path, busy_timeout: float) -> bool:
    """Whether ``path`` is no usable sqlite file; a history open in another process is an error.

    Leaving WAL mode needs the only connection to the file: it fails (busy) while any
    other process has the history open, and folds a crashed run's -wal into the file,
    so the copy set aside is one self-contained file.
    """
    connection = _connect(path, busy_timeout)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("BEGIN IMMEDIATE")  # a file in rollback mode: fails while another process writes
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        connection.execute("ROLLBACK")
    except sqlite3.Error as exc:
        if _code(exc) in _CORRUPT_CODES:
            return True
        raise _history_error(path, exc, busy_timeout) from exc
    finally:
        connection.close()
    return bool(tables) and "run" not in tables


# sqlite's primary result codes
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CORRUPT, _SQLITE_NOTADB = 5, 6, 11, 26
_CORRUPT_CODES = frozenset({_SQLITE_CORRUPT, _SQLITE_NOTADB})


def _history_error(path: Path, exc: sqlite3.Error, busy_timeout: float) -> HistoryError:
    code = _code(exc)
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return HistoryError(
            f"{path} is locked by another process (still busy after {busy_timeout:g} s): "
            "wait for the other audit to finish, or stop it, then run again"
        )
    if code in _CORRUPT_CODES:
        return _not_a_history(path, str(exc))
    return HistoryError(f"cannot use the history {path}: {exc}")


def _code(exc: sqlite3.Error) -> int:
    """sqlite's primary result code (the low byte of an extended one), -1 when there is none."""
    code: int = getattr(exc, "sqlite_errorcode", -1)
    return code & 0xFF if code >= 0 else -1


def _not_a_history(path: Path, why: str) -> HistoryError:
    return HistoryError(
        f"{path} is not a usable auditor history ({why}): --reset-history starts a new history; "
        f"the old file is kept as {path.name}.corrupt-<timestamp>"
    )


def _user_version(connection: sqlite3.Connection) -> int:
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    return version


# -- values --------------------------------------------------------------------------------


def _check_unique(observations: Sequence[Observation]) -> None:
    seen: set[str] = set()
    for obs in observations:
        if obs.key in seen:
            raise ValueError(f"{obs.key} is observed twice in one run")
        seen.add(obs.key)


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{moment} has no time zone: history times must be aware (UTC)")
    return moment.astimezone(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return _utc(moment).isoformat()


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _run_info(row: tuple[int, str, str, str, str, int, str | None, str | None]) -> RunInfo:
    id_, started, finished, config_hash, counts, failing, report, groups = row
    return RunInfo(
        id_,
        _time(started),
        _time(finished),
        config_hash,
        json.loads(counts),
        failing,
        report,
        _groups(groups),
    )


def _groups(stored: str | None) -> dict[str, int] | None:
    """A run's stored groups; None when not stored (before version 3) or not readable as
    group -> count (the index then estimates them rather than fail)."""
    if stored is None:
        return None
    try:
        groups = json.loads(stored)
    except ValueError:
        return None
    if not isinstance(groups, dict) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in groups.values()
    ):
        return None
    return groups
