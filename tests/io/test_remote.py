"""Remote paths through fsspec: an S3 server on loopback (moto) and a plain HTTP server, started
and stopped by the tests; the answers equal the local file's."""

from __future__ import annotations

import functools
import http.server
import socket
import threading

import pyarrow.parquet as pq
import pytest
from helpers.paths import SAMPLE

ORDERS = SAMPLE / "orders.csv"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}  # fmt: skip
    patch = pytest.MonkeyPatch()
    for key, value in env.items():
        patch.setenv(key, value)
    client = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"])
    client.create_bucket(Bucket="shop")
    client.upload_file(str(ORDERS), "shop", "exports/2025/orders.csv")
    local = tmp_path_factory.mktemp("dataset")
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(ORDERS)
    for channel in ("organic", "referral"):
        part = table.filter(pc.equal(table["channel"], channel))
        pq.write_table(part.drop_columns(["channel"]), local / f"{channel}.parquet")
        client.upload_file(
            str(local / f"{channel}.parquet"), "shop", f"lake/channel={channel}/part.parquet"
        )
    yield client
    patch.undo()
    server.stop()


def test_s3_file_and_glob_give_the_local_answer(s3, run_cli):
    local = run_cli("compute", ORDERS, "-f", "json").json
    assert run_cli("compute", "s3://shop/exports/2025/orders.csv", "-f", "json").json == local
    assert run_cli("compute", "s3://shop/exports/*/orders.csv", "-f", "json").json == local


def test_s3_hive_dataset_directory(s3, run_cli):
    segments = run_cli("segments", "s3://shop/lake", "--by", "channel", "-f", "json").json
    assert {s["channel"] for s in segments} == {"organic", "referral", "(total)"}


def test_s3_file_and_dataset_stream_like_memory(s3, run_cli):
    for path, flags in (
        ("s3://shop/exports/2025/orders.csv", ["customers", "-f", "csv"]),
        ("s3://shop/lake", ["segments", "--by", "channel", "-f", "csv"]),
    ):
        memory = run_cli(flags[0], path, *flags[1:], "--engine", "memory")
        streamed = run_cli(flags[0], path, *flags[1:], "--engine", "stream")
        assert streamed.exit_code == 0, streamed.stderr
        assert streamed.stdout == memory.stdout


def test_missing_remote_file_is_a_data_error(s3, run_cli):
    result = run_cli("compute", "s3://shop/nope.csv")
    assert result.exit_code == 1 and "s3://shop/nope.csv: no such file" in result.stderr


def test_https_file(run_cli):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SAMPLE))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/orders.csv"
        assert (
            run_cli("compute", url, "-f", "json").json
            == run_cli("compute", ORDERS, "-f", "json").json
        )
    finally:
        server.shutdown()
