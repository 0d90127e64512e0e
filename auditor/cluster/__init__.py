"""An audit's link checks on a Dask cluster: host shards checked by the same engine elsewhere.

::

    coordinator (auditor check/run --cluster ...)                 Dask workers
    ────────────────────────────────────────────                 ─────────────────────────────
    read, crawl, extract ──▶ Checker.prepare
                             shards.plan: by registrable domain ──▶ worker.check_shard(job):
                             (phones, e-mails, files, skipped,        Checker.prepare + check_part
                              pages already read: checked here)      on the shard's references
                             ◀──────────── Part (verdicts, flags) ──  (plain values, as they finish)
                             Checker.conclude (outage, expected text)
    archive, history, cache, reports, notifications

- :mod:`.address`  ``--cluster local:N`` / ``tcp://HOST:8786`` / ``cluster.address``, read once
- :mod:`.network`  how a worker rebuilds the run's network (the fake web in tests)
- :mod:`.shards`   which references go to which shard: a whole registrable domain per shard
                   (politeness, the soft-404 probe and the cache stay in one place), small
                   domains batched, a big one alone
- :mod:`.worker`   what a worker runs: a Checker on one shard, nothing else
- :mod:`.session`  the Dask client (a ``LocalCluster`` or a scheduler's address); the only
                   module that imports dask, and only when ``--cluster`` is given
- :mod:`.run`      the coordinator's side of a check: plan, submit, stream back, conclude
"""
