"""``make bench``: every command on the bundled sample against starting Python with pandas
and pyarrow, then ``ltv customers`` and ``ltv segments --by city`` against the one-scan DuckDB
reference (``ref_duckdb.py``).

For every size and format (CSV, Parquet) the data is generated once outside the repository
(``--dir``, default ``$LTV_BENCH_DIR`` or /tmp/ltv-bench), the two tools' answers are checked
to agree, then each command and its reference run as whole processes under GNU time, in a
rotated order, for a warm-up round and ``--rounds`` counted rounds. Ratios are taken pair by
pair within a round; the table shows their median (min–max) and the peak memory of each side.
Then the Russian export of the largest size against its English CSV; the streaming engines on
the largest size (``--memory-limit 1GB``, ``--engine dask`` on a local cluster: same output,
time, peak); the peak under small ``--memory-limit``s at 2e6 orders; the scaling of ``ltv customers --memory-limit 3GB`` and the reference over
``--scale`` sizes (one round each, the tables compared in DuckDB; 1e8 is a 7.6 GB CSV of about
44 million customers); and last ``bench/models.py``
times the predictive models on about a million customers.

    python bench/run.py --sizes 1e6,1e7 --rounds 5 --scale 1e6,1e7,1e8
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
LTV = str(BIN / "ltv")
PY = sys.executable


# As on a user's machine, Python keeps the bytecode it compiles (a sandbox that forbids it
# would make every run compile ltv's modules again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one whole process; its output is discarded."""
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run(
            ["/usr/bin/time", "-o", report.name, "-f", "%e %M", *cmd],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV,
        )  # fmt: skip
        wall, kb = report.read().split()[-2:]
    return float(wall), int(kb) / 1024


def tasks(data: Path, out: Path) -> dict[str, tuple[list[str], list[str]]]:
    """name -> (ltv command, reference command)."""
    return {
        "customers": (
            [LTV, "customers", str(data), "-q", "-o", str(out / "ltv.parquet")],
            [PY, str(HERE / "ref_duckdb.py"), "customers", str(data), str(out / "ref.parquet")],
        ),
        "segments --by city": (
            [LTV, "segments", str(data), "--by", "city", "-q", "-f", "csv"],
            [PY, str(HERE / "ref_duckdb.py"), "segments", str(data)],
        ),
    }


def check_agreement(data: Path, out: Path) -> None:
    """The two customer tables agree on every shared column (money to the cent), and so do
    the two segment tables."""
    import io

    import pandas as pd
    import pyarrow.parquet as pq

    commands = tasks(data, out)["customers"]
    for cmd in commands:
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    ours = pq.read_table(out / "ltv.parquet").to_pandas().set_index("customer")
    ref = pq.read_table(out / "ref.parquet").to_pandas()
    ref = ref.set_index(ref["customer_id"].astype(str))
    ours = ours.loc[ref.index]
    for column in ("first_order", "last_order", "orders", "gross_revenue", "net_revenue", "cost",
                   "margin", "aov", "recency_days", "age_days", "tenure_days", "order_days",
                   "mean_interval_days", "median_interval_days", "days_to_second_order", "city",
                   "channel", "category"):  # fmt: skip
        _same(data, column, ours[column], ref[column])
    segments = {}
    for side, cmd in zip(("ltv", "ref"), tasks(data, out)["segments --by city"], strict=True):
        text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        segments[side] = pd.read_csv(io.StringIO(text)).set_index("city")
    mine = segments["ltv"].drop("(total)").loc[segments["ref"].index]
    for column in ("customers", "orders", "net_revenue", "aov", "ltv_historical_median",
                   "median_interval_days"):  # fmt: skip
        _same(data, f"segments {column}", mine[column], segments["ref"][column])
    print(f"{data.name}: customer and segment tables agree ({len(ref):,} customers)", flush=True)


def _same(data: Path, name: str, a, b) -> None:
    """Equal as text, numbers compared at 1e-9 (money to the cent), missing equal missing."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(a) or pd.api.types.is_numeric_dtype(b):
        a, b = pd.to_numeric(a).astype(float), pd.to_numeric(b).astype(float)
        same = ((a - b).abs() <= 1e-9 + 1e-12 * b.abs()) | (a.isna() & b.isna())
    else:
        same = (a.astype(str) == b.astype(str)) | (a.isna() & b.isna())
    if not same.all():
        raise SystemExit(f"{data.name}: ltv and the reference differ in {name}")


def bench(data: Path, rounds: int, out: Path) -> list[dict]:
    results = []
    for name, (ours, ref) in tasks(data, out).items():
        pairs = []
        for r in range(rounds + 1):
            order = [ours, ref] if r % 2 else [ref, ours]
            times = {id(cmd): timed(cmd) for cmd in order}
            if r:  # round 0 warms the page cache and is not counted
                pairs.append((times[id(ours)], times[id(ref)]))
        ratios = sorted(o[0] / f[0] for o, f in pairs)
        results.append(
            {
                "file": data.name, "task": name,
                "ltv_s": statistics.median(o[0] for o, _ in pairs),
                "ref_s": statistics.median(f[0] for _, f in pairs),
                "ratio": statistics.median(ratios), "min": ratios[0], "max": ratios[-1],
                "ltv_mib": statistics.median(o[1] for o, _ in pairs),
                "ref_mib": statistics.median(f[1] for _, f in pairs),
            }
        )  # fmt: skip
        row = results[-1]
        print(
            f"{row['file']:<24} {name:<20} ltv {row['ltv_s']:6.2f} s  duckdb {row['ref_s']:6.2f} s"
            f"  ratio {row['ratio']:.2f} ({row['min']:.2f}–{row['max']:.2f})"
            f"  peak {row['ltv_mib']:,.0f} / {row['ref_mib']:,.0f} MiB"
            f" = {row['ltv_mib'] / row['ref_mib']:.2f}x",
            flush=True,
        )
    return results


def russian(directory: Path, size: str, rounds: int, out: Path) -> None:
    """The same orders as a Russian export (``;``, decimal comma, dd.mm.yyyy, UTF-8 and cp1251)
    against the English CSV: ``ltv customers`` time ratios, paired per round."""
    stem = directory / f"ru-{size}"
    if not Path(f"{stem}.ru-cp1251.csv").exists():
        subprocess.run(
            [PY, str(HERE / "gen_orders.py"), str(int(float(size))), str(stem), "--ru"], check=True
        )
    files = {
        "en": f"{stem}.csv",
        "ru utf-8": f"{stem}.ru-utf-8.csv",
        "ru cp1251": f"{stem}.ru-cp1251.csv",
    }
    walls: dict[str, list[float]] = {k: [] for k in files}
    for _ in range(rounds + 1):
        for label, path in files.items():
            walls[label].append(
                timed([LTV, "customers", path, "-q", "-o", str(out / "ru.parquet")])[0]
            )
    base = [w for w in walls["en"][1:]]
    for label in ("ru utf-8", "ru cp1251"):
        ratios = [r / e for r, e in zip(walls[label][1:], base, strict=True)]
        print(f"{size} {label:<9} customers: {statistics.median(walls[label][1:]):.2f} s = "
              f"{statistics.median(ratios):.2f}x the English CSV ({statistics.median(base):.2f} s)", flush=True)  # fmt: skip


def streaming(directory: Path, size: str, out: Path) -> None:
    """The streaming engines on one CSV: the same customer table as the default engine, and
    their time and peak memory (of the largest process: a Dask worker or ltv itself)."""
    import pyarrow.parquet as pq

    data = str(directory / f"orders-{size}.csv")
    runs = {
        "default engine": [],
        "--memory-limit 1GB": ["--memory-limit", "1GB"],
        "--engine dask (local)": ["--engine", "dask"],
    }
    ref_s, ref_mib = timed(tasks(Path(data), out)["customers"][1])
    print(f"{size} duckdb customers: {ref_s:.2f} s, {ref_mib:,.0f} MiB", flush=True)
    expected = None
    for label, flags in runs.items():
        target = out / f"stream-{len(flags)}.parquet"
        wall, mib = timed([LTV, "customers", data, "-q", "-o", str(target), *flags])
        table = pq.read_table(target)
        expected = expected or table
        same = "same output" if table.equals(expected) else "OUTPUT DIFFERS"
        print(f"{size} {label:<22} {wall:7.2f} s = {wall / ref_s:.2f}x duckdb, "
              f"peak {mib:,.0f} MiB = {mib / ref_mib:.2f}x; {same}", flush=True)  # fmt: skip


def limits(directory: Path, out: Path, size: str = "2e6") -> None:
    """The streaming engine under small ``--memory-limit``s: the peak of the whole process (the
    limit counts Python and its libraries, about 130 MB) against the limit."""
    from ltvcli.engine.options import parse_size

    data = ensure_data(directory, size).with_suffix(".csv")
    for limit in ("256MB", "512MB", "1GB"):
        cmd = [LTV, "customers", str(data), "-q", "--engine", "stream", "--memory-limit", limit]
        wall, mib = timed([*cmd, "-o", str(out / "limited.parquet")])
        print(f"{size} --memory-limit {limit:<5}: peak {mib:,.0f} MiB = "
              f"{mib / (parse_size(limit) >> 20):.0%} of the limit, {wall:.2f} s", flush=True)  # fmt: skip


def agree_sql(ours: Path, ref: Path) -> str:
    """Whether two customer tables agree, checked by DuckDB out of core (tens of millions of
    customers do not fit in pandas): customers, orders, dates, net revenue to the cent."""
    import duckdb

    db = duckdb.connect()
    db.execute("set enable_progress_bar = false")
    same = db.sql(f"""
        select count(*) as n,
               count(*) filter (where o.customer is null or r.customer_id is null
                 or o.orders is distinct from r.orders
                 or o.first_order is distinct from r.first_order
                 or o.last_order is distinct from r.last_order
                 or o.net_revenue is distinct from r.net_revenue) as differ
        from '{ours}' o full join '{ref}' r on o.customer = cast(r.customer_id as varchar)
    """).fetchall()[0]  # fmt: skip
    return f"{same[0]:,} customers, {same[1]:,} differ"


def scaling(directory: Path, sizes: list[str], out: Path, limit: str) -> None:
    """``ltv customers --memory-limit LIMIT`` (in memory when the input fits, else streamed)
    and the reference, one round per size, their customer tables compared."""
    for size in sizes:
        data = ensure_data(directory, size).with_suffix(".csv")
        ours, ref = tasks(data, out)["customers"]
        ours = [*ours, "--memory-limit", limit]
        r_s, r_mib = timed(ref)
        head = f"scaling {size:>5} CSV ({data.stat().st_size / 1e9:.2f} GB):"
        try:
            o_s, o_mib = timed(ours)
        except subprocess.CalledProcessError as exc:
            print(f"{head} ltv did not finish (exit {exc.returncode}; killed: out of memory?), "
                  f"duckdb {r_s:7.2f} s {r_mib:,.0f} MiB", flush=True)  # fmt: skip
            continue
        print(f"{head} ltv {o_s:7.2f} s {o_mib:,.0f} MiB, duckdb {r_s:7.2f} s {r_mib:,.0f} MiB: "
              f"{o_s / r_s:.2f}x time, {o_mib / r_mib:.2f}x memory; "
              f"{agree_sql(out / 'ltv.parquet', out / 'ref.parquet')}", flush=True)  # fmt: skip


def ensure_data(directory: Path, size: str) -> Path:
    stem = directory / f"orders-{size}"
    if not stem.with_suffix(".parquet").exists():
        print(f"generating {int(float(size)):,} orders in {directory} ...", flush=True)
        subprocess.run([PY, str(HERE / "gen_orders.py"), size, str(stem)], check=True)
    return stem


# Small files: each command on the bundled sample against starting Python and importing pandas
# and pyarrow (what any tool of its kind pays first); the targets of the ratios.
SMALL = {
    "ltv --help": ([], 1.3),
    "compute": (["compute"], 1.3),
    "customers": (["customers", "-f", "csv"], 1.3),
    "segments": (["segments", "--by", "city"], 1.3),
    "intervals": (["intervals"], 1.3),
    "cohorts": (["cohorts"], 1.3),
    "products": (["products"], 1.3),
    "report": (["report", "-o", "{out}/report.html"], 2.5),
}


def startup(rounds: int, out: Path) -> None:
    """Paired whole-process runs on the sample: median wall time and its ratio to the
    baseline's (min–max of the pairs), against the target."""
    sample = str(HERE.parent / "sample_data" / "orders.csv")
    baseline = [PY, "-c", "import pandas, pyarrow"]
    print(f"startup baseline: {' '.join(baseline[1:])}", flush=True)
    for label, (args, target) in SMALL.items():
        args = [a.format(out=out) for a in args]
        cmd = [LTV, "--help"] if not args else [LTV, args[0], sample, *args[1:], "-q"]
        pairs = [(timed(cmd)[0], timed(baseline)[0]) for _ in range(rounds + 1)][1:]
        ratios = sorted(ours / base for ours, base in pairs)
        wall = statistics.median(ours for ours, _ in pairs)
        verdict = "ok" if statistics.median(ratios) <= target else f"over {target}x"
        print(f"{label:<12} {wall:5.2f} s = {statistics.median(ratios):.2f}x the baseline "
              f"({ratios[0]:.2f}–{ratios[-1]:.2f}); target {target}x: {verdict}", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "1e6,1e7"))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "5")))
    parser.add_argument("--scale", default=os.environ.get("BENCH_SCALE", "1e6,1e7,1e8"))
    parser.add_argument(
        "--scale-limit", default=os.environ.get("BENCH_SCALE_LIMIT", "3GB"),
        help="--memory-limit of ltv in the scaling step",
    )  # fmt: skip
    parser.add_argument(
        "--dir", type=Path, default=Path(os.environ.get("LTV_BENCH_DIR", "/tmp/ltv-bench"))
    )
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="ltv-bench-out-"))
    startup(args.rounds, out)
    for size in args.sizes.split(","):
        stem = ensure_data(args.dir, size)
        for suffix in (".csv", ".parquet"):
            data = stem.with_suffix(suffix)
            check_agreement(data, out)
            bench(data, args.rounds, out)
    russian(args.dir, args.sizes.split(",")[-1], args.rounds, out)
    streaming(args.dir, args.sizes.split(",")[-1], out)
    limits(args.dir, out)
    scaling(args.dir, args.scale.split(","), out, args.scale_limit)
    models = args.dir / "models-1m"  # about a million customers
    if not models.with_suffix(".parquet").exists():
        subprocess.run([PY, str(HERE / "gen_orders.py"), "2.3e6", str(models)], check=True)
    subprocess.run([PY, str(HERE / "models.py"), str(models.with_suffix(".parquet"))], check=True)


if __name__ == "__main__":
    main()
