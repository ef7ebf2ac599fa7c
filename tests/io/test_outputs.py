"""-o respects the file system: devices and FIFOs are written to, symlinks written through,
modes kept, and temporary files (outputs and spill directories) cleaned up on SIGTERM and
after a killed run."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from helpers.paths import ROOT, SAMPLE

ORDERS = SAMPLE / "orders.csv"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def ltv(*args: str, **kwargs) -> subprocess.Popen:
    """The real ``ltv`` in a process of its own (signals reach it, not pytest)."""
    return subprocess.Popen([sys.executable, "-m", "ltvcli", *map(str, args)], **kwargs)


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def leftovers(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if ".ltv-" in n or n.startswith("ltv-spill-"))


@pytest.fixture(scope="module")
def big_orders(tmp_path_factory) -> Path:
    """Orders enough for a streamed run to take a second or more."""
    path = tmp_path_factory.mktemp("big") / "orders.csv"
    rows = (
        f"c{(i * 7919) % 120_000}@example.org,2023-{i % 12 + 1:02d}-{i % 28 + 1:02d},"
        f"{100 + (i * 31) % 90_000}.{i % 100:02d}"
        for i in range(600_000)
    )
    path.write_text("customer_id,order_date,amount\n" + "\n".join(rows) + "\n")
    return path


@pytest.fixture
def null_device(tmp_path) -> Path:
    """/dev/null; as root a node of the same device in the test's folder instead, so that a
    writer that replaces what it writes to (the bug tested here) cannot break the machine."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except OSError as exc:
        pytest.skip(f"root without mknod: {exc}")
    return node


def test_dev_null_is_written_to_and_stays_a_device(run_cli, null_device):
    result = run_cli("customers", ORDERS, "--format", "csv", "-o", null_device)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat(null_device).st_mode)
    assert not [n for n in os.listdir(null_device.parent) if n.startswith(".null.")]


def test_dash_writes_to_stdout(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    piped = run_cli("customers", ORDERS, "--format", "csv")
    result = run_cli("customers", ORDERS, "--format", "csv", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == piped.stdout
    assert os.listdir(tmp_path) == []


def test_fifo_is_streamed_to_not_replaced(run_cli, tmp_path):
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli("customers", ORDERS, "-o", fifo)
    reader.join(timeout=30)
    if reader.is_alive():  # the run never opened the FIFO: let the reader go
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    expected = run_cli("customers", ORDERS, "--format", "csv").stdout
    assert received == [expected.encode()]
    assert leftovers(tmp_path) == []


def test_a_symlink_is_written_through_and_kept(run_cli, tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "customers.csv"
    target.write_text("previous\n")
    link = tmp_path / "latest.csv"
    link.symlink_to(Path("real") / "customers.csv")
    result = run_cli("customers", ORDERS, "-o", link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "customers.csv")
    assert target.read_text().startswith("customer")
    assert leftovers(tmp_path) == leftovers(tmp_path / "real") == []


def test_a_dangling_symlink_creates_its_target(run_cli, tmp_path):
    link = tmp_path / "latest.csv"
    link.symlink_to(tmp_path / "new.csv")
    assert run_cli("customers", ORDERS, "-o", link).exit_code == 0
    assert link.is_symlink() and (tmp_path / "new.csv").read_text().startswith("customer")


def test_a_private_file_stays_private(run_cli, tmp_path):
    out = tmp_path / "customers.csv"
    out.write_text("previous\n")
    out.chmod(0o600)
    assert run_cli("customers", ORDERS, "-o", out).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text().startswith("customer")


def test_a_new_file_gets_the_umask_mode(run_cli, tmp_path):
    umask = os.umask(0o027)
    try:
        assert run_cli("customers", ORDERS, "-o", tmp_path / "new.csv").exit_code == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file away")
def test_a_replaced_file_keeps_its_owner(run_cli, tmp_path):
    out = tmp_path / "customers.csv"
    out.write_text("previous\n")
    os.chown(out, 12345, 23456)
    assert run_cli("customers", ORDERS, "-o", out).exit_code == 0
    assert (out.stat().st_uid, out.stat().st_gid) == (12345, 23456)


def test_stale_temp_outputs_of_a_dead_process_are_removed(run_cli, tmp_path):
    live = subprocess.Popen(["sleep", "60"])
    try:
        dead = tmp_path / f".customers.csv.ltv-{dead_pid()}.tmp"
        other = tmp_path / f".report.html.ltv-{dead_pid()}.tmp"
        kept = tmp_path / f".customers.csv.ltv-{live.pid}.tmp"
        for path in (dead, other, kept):
            path.write_text("half")
        assert run_cli("customers", ORDERS, "-o", tmp_path / "customers.csv").exit_code == 0
        assert not dead.exists() and not other.exists()
        assert kept.exists()
    finally:
        live.kill()
        live.wait()


def test_stale_spill_directories_of_a_dead_process_are_removed(run_cli, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    live = subprocess.Popen(["sleep", "60"])
    try:
        dead = tmp_path / f"ltv-spill-{dead_pid()}-abcd1234"
        kept = tmp_path / f"ltv-spill-{live.pid}-abcd1234"
        for path in (dead, kept):
            path.mkdir()
            (path / "part-00000-000000.arrows").write_bytes(b"x" * 1000)
        out = tmp_path / "out" / "customers.csv"
        result = run_cli("customers", ORDERS, "--engine", "stream", "-o", out)
        assert result.exit_code == 0, result.stderr
        assert not dead.exists()
        assert kept.exists()
        assert leftovers(tmp_path) == [kept.name]  # and this run's own are gone
    finally:
        live.kill()
        live.wait()


def test_sigterm_removes_spill_files_and_keeps_the_previous_output(big_orders, tmp_path):
    """SIGTERM unwinds like Ctrl-C and exits 143 (128 + SIGTERM; Ctrl-C exits 130)."""
    out = tmp_path / "out.csv"
    out.write_text("previous\n")
    spill = tmp_path / "tmp"
    spill.mkdir()
    env = {**ENV, "TMPDIR": str(spill)}
    run = ltv(
        "customers", big_orders, "--engine", "stream", "-o", out, env=env, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while not leftovers(spill) and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert run.poll() is None, "the run ended before it could be stopped: use a bigger file"
    assert leftovers(spill), "no spill directory appeared"
    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 143, stderr
    assert b"ltv: terminated" in stderr
    assert leftovers(spill) == [] and leftovers(tmp_path) == []
    assert out.read_text() == "previous\n"


WRITER = """
import sys, time
from ltvcli.io.atomic import atomic_output
with atomic_output(sys.argv[1]) as handle:
    handle.write("half of it")
    handle.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_writing_removes_the_temporary_output(tmp_path, signum):
    out = tmp_path / "out.csv"
    out.write_text("previous\n")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(out)],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert writer.stdout.readline() == b"writing\n"
    assert leftovers(tmp_path) == [f".out.csv.ltv-{writer.pid}.tmp"]
    writer.send_signal(signum)
    writer.communicate(timeout=30)
    assert writer.returncode == (143 if signum == signal.SIGTERM else -signal.SIGINT)
    assert leftovers(tmp_path) == []
    assert out.read_text() == "previous\n"


def test_excel_csv_has_a_bom_semicolons_and_decimal_commas(run_cli, tmp_path, monkeypatch):
    import pandas as pd

    orders = str(SAMPLE / "orders.csv")
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    run_cli("segments", orders, "--by", "city", "-q", "-o", str(plain))
    run_cli("segments", orders, "--by", "city", "-q", "-o", str(excel), "--excel")
    raw = excel.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfcity;customers;") and b"20792304,66" in raw
    back = pd.read_csv(excel, sep=";", decimal=",", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(back, pd.read_csv(plain))  # the same numbers
    monkeypatch.chdir(tmp_path)  # [output] lang = "ru": a .csv file is for Excel by default
    (tmp_path / "ltv.toml").write_text('[output]\nlang = "ru"\n')
    run_cli("segments", orders, "--by", "city", "-q", "-o", "ru.csv")
    assert (tmp_path / "ru.csv").read_bytes() == raw
    piped = run_cli("segments", orders, "--by", "city", "-q", "-f", "csv").stdout
    assert piped.startswith("city,customers,")  # a pipe stays plain CSV
