"""Customer identity: every identifier used, linked into customers, checked against a plain
union-find over the same rows, in memory, streamed and on a Dask cluster."""

from __future__ import annotations

import json
import random

import pandas as pd
import pytest
from helpers.loads import totals

from ltvcli.analysis import analyse_files
from ltvcli.engine.options import Engine
from ltvcli.load import load_orders
from ltvcli.options import LoadOptions
from ltvcli.settings import Settings

CHAIN = """\
Customer ID,Email,Phone,Date,Total
,ann@x.example,,2024-01-01,10.00
,ANN@x.example ,+1 212 555 0143,2024-01-02,20.00
C7,,(212) 555-0143,2024-01-03,30.00
C3,bo@x.example,,2024-01-04,40.00
,,,2024-01-05,50.00
"""
# ann's e-mail links rows 1-2, the phone links row 2 to C7: one customer keyed by C7 (the id).
# C3 is another. Row 5 has no key: skipped.


def test_identifiers_link_through_shared_values_and_the_id_keys_the_customer(write):
    loaded = load_orders(str(write("chain.csv", CHAIN)), LoadOptions(phone_region="US"))
    sales = loaded.orders
    assert sorted(sales["customer"].unique()) == ["C3", "C7"]
    assert sales.groupby("customer")["gross_cents"].sum().to_dict() == {"C3": 4000, "C7": 6000}
    assert loaded.report.skipped["no customer (empty or guest key)"] == 1
    assert loaded.report.customers["merged"] == 1  # ann's e-mail joined C7 through the phone
    source = loaded.report.sources[0]
    assert [(i.column, i.kind, i.rows) for i in source.identifiers] == [
        ("Customer ID", "id", 2),
        ("Email", "email", 2),
        ("Phone", "phone", 0),
    ]


def test_no_link_keys_by_the_strongest_column_only(write):
    path = str(write("chain.csv", CHAIN))
    loaded = load_orders(path, LoadOptions(no_link=True))
    assert totals(loaded) == (2, 2, 7000)
    pinned = load_orders(path, LoadOptions(columns={"customer": "Email"}))
    assert sorted(pinned.orders["customer"].unique()) == ["ann@x.example", "bo@x.example"]
    # two given columns are linked (the phone is left out, so ann stays apart from C7)
    both = load_orders(path, LoadOptions(columns={"customer": "Email,Customer ID"}))
    assert sorted(both.orders["customer"].unique()) == ["C3", "C7", "ann@x.example"]


def test_a_widely_shared_value_is_a_placeholder_not_a_link(write):
    rows = [f"U{i},orders@shop.example,2024-01-0{i},1.00" for i in range(1, 8)]
    text = "user_id,email,date,amount\n" + "\n".join(rows) + "\n"
    loaded = load_orders(str(write("shared.csv", text)))
    assert loaded.orders["customer"].nunique() == 7
    assert loaded.report.customers["placeholders"] == {"email": 1}


NAMES_AND_PHONES = """\
Дата;Клиент;Телефон;Сумма
01.03.2024;Елена;8 916 555-12-34;1000
05.03.2024;елена зайцева;+7 (916) 555-12-34;2000
09.03.2024;Елена Зайцева;9165551234;3000
10.03.2024;Пётр;;500
11.03.2024;петр;;700
"""
# One Елена by her phone, whatever the spelling of her name; Пётр has no phone: keyed by his
# name (ё and case folded), so his two rows are one customer too.


def test_names_are_the_last_resort_never_a_link(write):
    loaded = load_orders(str(write("sheet.csv", NAMES_AND_PHONES)))
    spend = loaded.orders.groupby("customer")["gross_cents"].sum().to_dict()
    assert spend == {"+79165551234": 600000, "петр": 120000}
    reasons = loaded.report.sources[0].reasons["customer"]
    assert reasons.startswith('header "Телефон"') and '"Клиент" (names)' in reasons


def _union_find_customers(frame: pd.DataFrame) -> int:
    """An independent count: rows joined by any shared id, e-mail or phone, by plain union-find."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for _, row in frame.iterrows():
        keys = [f"{k}:{row[k]}" for k in ("uid", "mail", "tel") if row[k]]
        for other in keys[1:]:
            parent[find(other)] = find(keys[0])
        if keys:
            find(keys[0])
    return len({find(k) for k in parent})


def _generated(seed: int, people: int = 60) -> pd.DataFrame:
    """People with an id, an e-mail and a phone, each row showing one to three of them."""
    rnd = random.Random(seed)
    rows = []
    for p in range(people):
        for n in range(rnd.randint(1, 5)):
            shown = rnd.sample(["uid", "mail", "tel"], rnd.randint(1, 3))
            rows.append(
                {
                    "uid": f"U{p:03d}" if "uid" in shown else "",
                    "mail": f"p{p}@x.example" if "mail" in shown else "",
                    "tel": f"{p:07d}" if "tel" in shown else "",
                    "date": f"2024-{1 + n:02d}-{1 + p % 28:02d}",
                    "amount": f"{rnd.randint(1, 9999) / 100:.2f}",
                }
            )
    rnd.shuffle(rows)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_linking_equals_union_find_in_memory_and_streamed(tmp_path, seed):
    frame = _generated(seed)
    path = tmp_path / "people.csv"
    spelled = frame.assign(  # the same phone in two spellings, e-mails in any case
        tel=[
            (f"+7916{t}" if i % 2 else f"8 916 {t}") if t else ""
            for i, t in enumerate(frame["tel"])
        ],
        mail=[m.upper() if i % 3 == 0 else m for i, m in enumerate(frame["mail"])],
    )
    spelled.rename(columns={"uid": "user_id", "mail": "email", "tel": "phone"}).to_csv(
        path, index=False
    )
    expected = _union_find_customers(frame)
    loaded = load_orders(str(path))
    assert loaded.orders["customer"].nunique() == expected
    engine = Engine("stream", partitions=4, block_size=1 << 10, keep_ledger=True)
    streamed, report = analyse_files([str(path)], LoadOptions(), Settings(), engine=engine)
    assert len(streamed.customers) == expected
    assert report.customers == loaded.report.customers
    by_memory = loaded.orders.groupby("customer")["gross_cents"].sum()
    by_stream = streamed.customers.set_index("customer")["gross_revenue"]
    assert by_memory.sort_index().to_dict() == by_stream.astype(float).sort_index().to_dict()


GA4 = """\
event_date,event_name,user_pseudo_id,user_id,purchase_revenue
20240301,purchase,111.1,,10.00
20240302,purchase,111.1,u1,20.00
20240303,purchase,222.2,u1,30.00
20240304,purchase,333.3,,40.00
20240305,purchase,444.4,,50.00
20240306,purchase,555.5,,60.00
"""


def test_unsure_customer_count_is_said_with_the_flag_that_settles_it(run_cli, write):
    result = run_cli("compute", write("ga4.csv", GA4), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["customers"] == 4  # u1's two devices are one customer
    warning = [line for line in result.stderr.splitlines() if 'by "user_pseudo_id" alone' in line]
    assert len(warning) == 1 and '--customer "user_pseudo_id" --no-link' in warning[0]
    quiet = run_cli("compute", write("ga4.csv", GA4), "-f", "json", "-q")
    assert quiet.stderr == ""


def test_the_report_carries_the_doubt_in_its_data_quality(run_cli, write, tmp_path):
    out = tmp_path / "r.json"
    result = run_cli("report", write("ga4.csv", GA4), "-q", "-o", out)
    assert result.exit_code == 0, result.stderr
    notes = json.loads(out.read_text())["sections"]["data_quality"]["notes"]
    assert any('by "user_pseudo_id" alone' in note for note in notes)
    markdown = tmp_path / "r.md"
    assert run_cli("report", write("ga4.csv", GA4), "-q", "-o", markdown).exit_code == 0
    assert 'by "user_pseudo_id" alone' in markdown.read_text()


def test_the_header_tips_what_an_identifier_column_holds():
    import pyarrow as pa

    from ltvcli.schema.identity import kind_of

    ten_digits = pa.array(["9165551234", "9031110000", "9260000000"])
    assert kind_of(ten_digits, "customer id") == "id"
    assert kind_of(ten_digits, "номер телефона") == "phone"
    assert kind_of(pa.array([79165551234, 79031110000]), "phone") == "phone"
    assert kind_of(pa.array(["Ann@x.example", "bo@x.example"]), "customer id") == "email"
    assert kind_of(pa.array(["Елена Зайцева", "Пётр"]), "клиент") == "name"
    assert kind_of(pa.array(["cus_A", "cus_B"]), "customer") == "id"


def test_a_placeholder_links_nobody_in_any_column(write):
    # the shop's e-mail beside seven ids and seven phones: seven customers, not one
    rows = [f"C{i},orders@shop.example,+7 916 00{i}-11-11,2024-01-0{i},1.00" for i in range(1, 8)]
    text = "Customer ID,Email,Phone,Date,Total\n" + "\n".join(rows) + "\n"
    loaded = load_orders(str(write("ids.csv", text)))
    assert loaded.orders["customer"].nunique() == 7
    # no id column: the e-mail is the strongest, still a placeholder; the phones key the people
    rows = [f"orders@shop.example,+7 916 00{i}-11-11,2024-01-0{i},1.00" for i in range(1, 10)]
    text = "Email,Phone,Date,Total\n" + "\n".join(rows) + "\n"
    loaded = load_orders(str(write("no_ids.csv", text)))
    assert sorted(loaded.orders["customer"]) == [f"+791600{i}1111" for i in range(1, 10)]
    assert loaded.report.customers["placeholders"] == {"email": 1}


def test_a_second_id_column_does_not_collide_with_the_first(write):
    text = "User ID,Contact ID,Date,Total\n5,,2024-01-01,1.00\n,5,2024-01-02,2.00\n6,7,2024-01-03,3.00\n"
    loaded = load_orders(str(write("two_ids.csv", text)))
    assert sorted(loaded.orders["customer"]) == ["5", "6", "Contact ID:5"]


LINES_KEYED_DIFFERENTLY = """\
Order,Customer ID,Email,Date,Total,Item
#1,C1,ann@x.example,2024-01-01,30.00,Shirt
#1,,ann@x.example,,,Socks
#2,C2,bo@x.example,2024-01-02,10.00,Hat
#2,,bo@x.example,,,Cap
#3,C1,ann@x.example,2024-01-05,5.00,Mug
#4,,cy@x.example,2024-01-06,7.00,Pen
#4,,cy@x.example,,,Ink
"""


def test_lines_keyed_by_different_identifiers_keep_their_order_id(write):
    # the id on the first line only, the e-mail on every line: still one customer per order
    loaded = load_orders(str(write("lines.csv", LINES_KEYED_DIFFERENTLY)))
    assert totals(loaded) == (3, 4, 5200)
    assert loaded.report.sources[0].columns["order_id"] == "Order"


def test_one_stray_clash_does_not_reject_an_order_id(write):
    rows = [f"A-{i},c{i},2024-01-{1 + i % 28:02d},10.00" for i in range(60)]
    rows.append("A-7,c99,2024-01-08,10.00")  # one id reused by another customer
    text = "order_id,customer,date,amount\n" + "\n".join(rows) + "\n"
    loaded = load_orders(str(write("stray.csv", text)))
    assert loaded.report.sources[0].columns["order_id"] == "order_id"


def test_numbers_typed_as_numbers_link_with_phones_written_as_text(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    typed = pa.table(
        {
            "Phone": pa.array([79161111111, 79162222222], pa.int64()),
            "Date": ["2024-01-01", "2024-01-02"],
            "Total": [1.0, 2.0],
        }
    )
    pq.write_table(typed, tmp_path / "typed.parquet")
    (tmp_path / "text.csv").write_text("Phone,Date,Total\n+7 916 111-11-11,2024-01-03,3.00\n")
    loaded = load_orders([str(tmp_path / "typed.parquet"), str(tmp_path / "text.csv")])
    assert sorted(loaded.orders["customer"]) == ["+79161111111", "+79161111111", "+79162222222"]


def test_an_empty_identifier_column_is_left_out(write):
    text = "Customer ID,Email,Date,Total\n,a@x.example,2024-01-01,1.00\n0,b@x.example,2024-01-02,2.00\n"
    loaded = load_orders(str(write("empty_id.csv", text)))
    source = loaded.report.sources[0]
    assert source.columns["customer"] == "Email"
    assert [i.column for i in source.identifiers] == ["Email"]
    assert not identity_links(loaded)


def identity_links(loaded) -> bool:
    """Whether the load linked anything (it accounts for the linking only then)."""
    return bool(loaded.report.customers)
