"""Read replicas against a real streaming replica: a primary cluster of the test's own, a hot
standby made from it with pg_basebackup on another port, and toandan processes configured with
TOANDAN_REPLICA_URLS. The replica is held back (replay paused) so that what is read from it can
be told apart from what is read from the primary.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from toandan.core.tests.served import run, server_env
from toandan.core.tests.served import toandan_command as toandan
from toandan.core.tests.stack import Cluster, primary_cluster, query, streaming_replica

# A toandan process: counts the groups (any table will do) inside `replica_reads()`, where
# statistics, dashboards and exports read, and outside it, and whether it wrote there.
PROBE = """
import json, sys
import django
django.setup()
from django.contrib.auth.models import Group
from toandan.core.db_router import replica_reads, usable_replica
with replica_reads():
    if sys.argv[1:]:
        Group.objects.create(name=sys.argv[1])  # a write: always the primary
    replica_reads_count = Group.objects.count()
    replica = usable_replica()
print(json.dumps({"replica_reads": replica_reads_count, "primary": Group.objects.count(),
                  "replica": replica}))
"""
WAIT = 60


@dataclass(frozen=True)
class Pair:
    primary: Cluster
    replica: Cluster
    var: Path


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    var = tmp_path_factory.mktemp("replica") / "var"
    with primary_cluster() as primary:
        query(primary.url("postgres"), "CREATE DATABASE toandan")
        run([*toandan(), "migrate"], env=server_env(var, DATABASE_URL=primary.url("toandan")))
        with streaming_replica(primary) as replica:
            yield Pair(primary=primary, replica=replica, var=var)


def probe(pair: Pair, *, max_lag: float, write: str = "") -> dict[str, object]:
    env = server_env(
        pair.var,
        DATABASE_URL=pair.primary.url("toandan"),
        TOANDAN_REPLICA_URLS=pair.replica.url("toandan"),
        TOANDAN_REPLICA_MAX_LAG_SECONDS=str(max_lag),
        TOANDAN_DEBUG="1",
    )
    command = [sys.executable, "-c", PROBE, *([write] if write else [])]
    done = subprocess.run(  # noqa: S603 - our own code
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def add_group(cluster: Cluster, name: str) -> None:
    query(cluster.url("toandan"), "INSERT INTO auth_group (name) VALUES (%s)", name)


def replica_groups(pair: Pair) -> int:
    ((count,),) = query(pair.replica.url("toandan"), "SELECT count(*) FROM auth_group")
    assert isinstance(count, int)
    return count


def wait_until(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_statistics_read_the_replica_within_the_lag_bound_and_the_primary_beyond_it(pair):
    add_group(pair.primary, "before the pause")
    wait_until(lambda: replica_groups(pair) == 1, "the replica did not replay the first row")
    query(pair.replica.url("toandan"), "SELECT pg_wal_replay_pause()")
    time.sleep(1.5)  # the last transaction the replica replayed is now 1.5 s old
    add_group(pair.primary, "while the replica is held back")
    wait_until(
        lambda: (
            query(
                pair.replica.url("toandan"),
                "SELECT pg_last_wal_receive_lsn() <> pg_last_wal_replay_lsn()",
            )
            == [(True,)]
        ),
        "the replica did not receive the second row",
    )

    # Within the bound (an hour): figures from the replica, one row behind; a write inside
    # the block still goes to the primary (the replica would refuse it).
    lenient = probe(pair, max_lag=3600, write="written inside replica_reads")
    # Beyond the bound (one second): the primary, with every row.
    strict = probe(pair, max_lag=1)

    assert lenient == {"replica_reads": 1, "primary": 3, "replica": "replica1"}
    assert strict == {"replica_reads": 3, "primary": 3, "replica": None}

    query(pair.replica.url("toandan"), "SELECT pg_wal_replay_resume()")
    wait_until(lambda: replica_groups(pair) == 3, "the replica did not catch up")
    # Caught up: the replica is used again under the strict bound.
    assert probe(pair, max_lag=1) == {"replica_reads": 3, "primary": 3, "replica": "replica1"}


def test_a_replica_that_is_down_falls_back_to_the_primary_without_an_error(pair):
    before = replica_groups(pair)
    pair.replica.stop()
    add_group(pair.primary, "after the replica stopped")

    assert probe(pair, max_lag=3600) == {
        "replica_reads": before + 1,
        "primary": before + 1,
        "replica": None,
    }
