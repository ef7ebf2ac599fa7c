"""``--engine dask`` on a real (local) Dask cluster gives the default engine's answers."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap

import pytest
from helpers.paths import SAMPLE
from test_partitioned import assert_same, both

from ltvcli.engine.options import Engine

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster.scheduler_address


def test_cluster_reduces_the_sample_like_memory(scheduler):
    engine = Engine(
        "dask", scheduler=scheduler, partitions=6, block_size=64 << 10, keep_ledger=True
    )
    assert_same(*both([str(SAMPLE / "orders.csv")], engine=engine))


def test_cluster_attaches_refunds_across_partitions(scheduler, write):
    from test_exports import YOOKASSA_PAYMENTS, YOOKASSA_REFUNDS

    paths = [str(write("p.csv", YOOKASSA_PAYMENTS)), str(write("r.csv", YOOKASSA_REFUNDS))]
    engine = Engine("dask", scheduler=scheduler, partitions=3, block_size=1 << 10, keep_ledger=True)
    assert_same(*both(paths, engine=engine))


def test_cluster_joins_a_shared_order_id_once(scheduler, write):
    from test_partitioned import SHARED_ID

    engine = Engine("dask", scheduler=scheduler, partitions=6, block_size=1 << 10, keep_ledger=True)
    assert_same(*both([str(write("shared.csv", SHARED_ID))], engine=engine))


def test_cli_customers_and_segments_on_the_cluster(scheduler, run_cli, monkeypatch):
    monkeypatch.setenv("LTV_DASK_SCHEDULER", scheduler)
    for command in (["customers", "-f", "csv"], ["segments", "--by", "channel", "-f", "json"]):
        path = str(SAMPLE / "orders.csv")
        memory = run_cli(command[0], path, *command[1:], "-q", "--engine", "memory")
        cluster = run_cli(command[0], path, *command[1:], "-q", "--engine", "dask")
        assert cluster.exit_code == 0, cluster.stderr
        assert cluster.stdout == memory.stdout
    assert json.loads(cluster.stdout)


def test_unreachable_scheduler_is_a_usage_error(run_cli):
    result = run_cli(
        "compute", SAMPLE / "orders.csv", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("ltv: error: cannot reach the Dask scheduler")


@pytest.mark.parametrize(
    "name", ["tinkoff_acquiring.csv", "ga4_bigquery.csv", "amocrm_pipeline.csv"]
)
def test_cluster_links_identities_and_reads_stages_like_memory(scheduler, write, name):
    from test_exports import CASES

    text, encoding, _ = CASES[name]
    engine = Engine("dask", scheduler=scheduler, partitions=3, block_size=1 << 10, keep_ledger=True)
    assert_same(*both([str(write(name, text, encoding))], engine=engine))


_WORKER_WARNS = textwrap.dedent(
    """
    import sys, warnings
    from distributed import default_client
    from ltvcli.engine.dask import DaskRunner
    from ltvcli.engine.options import Engine

    def warn():
        warnings.warn("a worker warning", FutureWarning, stacklevel=1)

    with warnings.catch_warnings(action="ignore" if sys.argv[1:] == ["-q"] else "default"):
        runner = DaskRunner(Engine("dask"))
        default_client().run(warn)
        runner.close()
    """
)


def test_quiet_silences_the_warnings_of_a_local_clusters_workers():
    def run(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", _WORKER_WARNS, *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=300)

    loud = run()
    assert loud.returncode == 0 and "a worker warning" in loud.stderr
    quiet = run("-q")
    assert quiet.returncode == 0 and "a worker warning" not in quiet.stderr, quiet.stderr
