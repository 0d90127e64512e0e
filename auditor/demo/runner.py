"""``auditor demo``: the full audit of a sample leaflet against a simulated present of the web.

The audit definition and its documents ship in this package; they are copied into the
demo folder (so a newcomer can read and edit them) and audited there through the fake
web of :mod:`auditor.demo`, so the demo needs no network at all. The first demo in a
folder audits the web as it was a week ago first, so that the report already shows
history: what broke, what was fixed, what changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from auditor.audit import AuditOutcome, run_audit, utc_now
from auditor.config import Config, load
from auditor.write import write_atomic

#: Fast and patient enough for a web on this machine.
OVERRIDES = {"host_request_interval": 0.0, "retries": 0, "timeout": 5.0}


async def run_demo(folder: Path) -> AuditOutcome:
    from auditor.demo import DEMO_FILES

    for item in DEMO_FILES:
        write_atomic(folder / item.name, item.read_text(encoding="utf-8"))
    config = load(folder / "targets.yaml")
    now = utc_now()
    if not config.history_path.exists():
        await _audit(config, last_week=True, now=now - dt.timedelta(days=7))
    return await _audit(config, last_week=False, now=now)


async def _audit(config: Config, *, last_week: bool, now: dt.datetime) -> AuditOutcome:
    from auditor.demo import demo_web

    async with demo_web(last_week=last_week, today=now.date()) as web:
        return await run_audit(
            config,
            overrides=OVERRIDES,
            resolver=web.resolver,
            ssl=web.client_ssl,
            mail_resolver=web.mail_resolver,
            now=lambda: now,
        )
