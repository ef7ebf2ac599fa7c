"""Products, journeys, main categories and drivers against an independent computation: the
same definitions in SQL (``helpers.oracle``) over generated line-level exports, Kaplan–Meier
days against SciPy, and hand-worked exports."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import oracle
from helpers.exports import CASES
from scipy import stats

from ltvcli.analysis import analyse
from ltvcli.drivers import EVERYONE, driver_table
from ltvcli.load import load_orders
from ltvcli.options import LoadOptions
from ltvcli.products import (
    TOTAL,
    due_dates,
    main_category,
    paths,
    product_table,
    transitions,
)


def _analysis(path, **options):
    return analyse(load_orders(str(path), LoadOptions(keep_lines=True, **options)))


@pytest.fixture(scope="module", params=[11, 12])
def generated(request, tmp_path_factory):
    path = oracle.write_lines(tmp_path_factory.mktemp("lines") / "lines.csv", request.param)
    return path, _analysis(path)


@pytest.mark.parametrize("by", ["product", "category"])
def test_products_equal_sql(generated, by):
    path, analysis = generated
    table = product_table(analysis, by).set_index(by)
    expected = oracle.products(path, by)
    assert len(table) == len(expected) + 1  # and the total row
    for row in expected:
        got = table.loc[row["key"]]
        assert got["customers"] == row["customers"]
        assert got["orders"] == row["orders"]
        assert got["units"] == pytest.approx(row["units"])
        assert got["net_revenue"] == row["net_revenue"]
        assert got["repurchase_rate"] == pytest.approx(row["repurchase_rate"])
        assert got["first_customers"] == row["first_customers"]
        assert got["first_repeat_rate"] == pytest.approx(row["first_repeat_rate"])
        assert got["first_ltv_historical"] == round(row["first_ltv_historical"])
        assert got["first_mature_customers"] == row["first_mature_customers"]
        assert got["first_ltv_12m"] == round(row["first_ltv_12m"])
    total = table.loc[TOTAL]
    assert total["net_revenue"] == analysis.customers["net_revenue"].sum()
    assert table["net_revenue"].drop(TOTAL).sum() == total["net_revenue"]
    assert total["customers"] == (analysis.customers["orders"] > 0).sum()
    assert total["orders"] == analysis.customers["orders"].sum()


def test_repurchase_days_are_kaplan_meier(generated):
    """Each product's gaps between purchase days, the last purchase censored at the as-of day:
    the percentiles are SciPy's Kaplan–Meier estimate's."""
    path, analysis = generated
    lines = pd.read_csv(path)
    sales = lines[lines["amount"] > 0].assign(d=lambda f: pd.to_datetime(f["date"]))
    as_of = pd.to_datetime(lines["date"]).max()
    table = product_table(analysis, "product").set_index("product")
    for product, rows in sales.groupby("product"):
        events, censored = [], []
        for _, days in rows.groupby("customer")["d"]:
            unique = np.sort(days.unique())
            events += list(np.diff(unique).astype("timedelta64[D]").astype(int))
            censored.append((as_of - pd.Timestamp(unique[-1])).days)
        sf = stats.ecdf(stats.CensoredData(uncensored=events, right=censored)).sf
        for column, share in (("repurchase_p25_days", 0.75), ("repurchase_median_days", 0.5),
                              ("repurchase_p75_days", 0.25)):  # fmt: skip
            reached = np.flatnonzero(sf.probabilities <= share + 1e-12)
            want = float(sf.quantiles[reached[0]]) if len(reached) else None
            got = table.loc[product, column]
            assert (got is None or np.isnan(got)) if want is None else got == want, column


def test_transitions_equal_sql(generated):
    path, analysis = generated
    table = transitions(analysis, "category")
    got = {(r["from"], r["to"]): r["customers"] for r in table.to_dict("records")}
    assert got == {(r["from"], r["to"]): r["customers"] for r in oracle.transitions(path)}
    came_back = table.drop_duplicates("from").set_index("from")["second_order_customers"]
    shares = table["customers"] / table["from"].map(came_back)
    assert np.allclose(table["share"], shares)


def test_main_category_equals_sql(generated):
    path, analysis = generated
    main = main_category(analysis)
    got = dict(zip(analysis.customers["customer"], main, strict=True))
    assert got == {r["c"]: r["main"] for r in oracle.main_categories(path)}


def test_paths_count_customers_with_three_orders(generated):
    _, analysis = generated
    table = paths(analysis, "category", top=1000)
    three = int((analysis.customers["orders"] >= 3).sum())
    assert table["customers"].sum() == three
    assert all(len(p.split(" → ")) == 3 for p in table["path"])


def test_streamed_lines_equal_memory(generated, tmp_path):
    from ltvcli.analysis import analyse_files
    from ltvcli.engine.options import Engine

    path, analysis = generated
    streamed, _ = analyse_files(
        [str(path)], LoadOptions(keep_lines=True), engine=Engine("stream", partitions=5)
    )
    pd.testing.assert_frame_equal(
        product_table(streamed, "product"), product_table(analysis, "product")
    )
    pd.testing.assert_frame_equal(
        transitions(streamed, "category"), transitions(analysis, "category")
    )


def test_keeping_lines_changes_no_customer_number(generated):
    path, analysis = generated
    plain = analyse(load_orders(str(path)))
    pd.testing.assert_frame_equal(plain.customers, analysis.customers)


def test_drivers_group_the_first_order(generated):
    _, analysis = generated
    table = driver_table(analysis, min_customers=1)
    everyone = table[table["attribute"] == EVERYONE].iloc[0]
    assert everyone["customers"] == (analysis.customers["orders"] > 0).sum()
    products = product_table(analysis, "product").set_index("product")
    for row in table[table["attribute"] == "product"].to_dict("records"):
        assert row["customers"] == products.loc[row["value"], "first_customers"]
        assert row["ltv_12m"] == products.loc[row["value"], "first_ltv_12m"]
        lift = row["ltv_12m"] / everyone["ltv_12m"] - 1
        assert row["ltv_12m_lift"] == pytest.approx(lift)
    lifts = table["ltv_12m_lift"].iloc[:-1].dropna().to_numpy()
    assert (np.diff(lifts) <= 0).all()  # the largest lift first


def test_shopify_lines_share_the_order_total(write):
    """#1001: 100.50 over Shirt (1 × 60) and Socks (2 × 15): 67.00 and 33.50; #1002's coat
    keeps 1200 − 200 refunded; #1003's refunded hat 0; voided and pending orders out."""
    text, encoding, _ = CASES["shopify.csv"]
    table = product_table(_analysis(write("s.csv", text, encoding)), "product").set_index("product")
    assert table["net_revenue"].to_dict() == {
        "Coat": 100000, "Shirt": 6700, "Socks": 3350, "Mug": 2000, "Hat": 0, TOTAL: 112050,
    }  # fmt: skip
    assert table.loc["Socks", "units"] == 2
    assert table.loc[TOTAL, "orders"] == 4


def test_insales_lines_share_shipping_by_price(write):
    """1001: 329 000 cents over Чай улун (2 × 695) and Чайник (1 600): × 1390/2990 =
    152 946.49 and × 1600/2990 = 176 053.51; the cent the floors leave goes to the larger
    remainder (Чайник's). 1005 (2 085) is all Чай улун's; 1003 all Чай пуэр's."""
    text, encoding, _ = CASES["insales.csv"]
    analysis = _analysis(write("i.csv", text, encoding))
    table = product_table(analysis, "product").set_index("product")
    assert table.loc["Чайник", "net_revenue"] == 176054
    assert table.loc["Чай улун", "net_revenue"] == 152946 + 208500
    assert table.loc["Чай улун", "units"] == 5
    skus = product_table(analysis, "sku").set_index("sku")
    assert skus.loc["K-07", "net_revenue"] == 176054


def test_1c_return_of_one_line_reduces_that_product(write):
    """Lines carry their own money; the return of one Бумага А4 (−250) is Бумага's."""
    text, encoding, _ = CASES["1c_realization.csv"]
    table = product_table(_analysis(write("r.csv", text, encoding)), "product").set_index("product")
    assert table.loc["Бумага А4", "net_revenue"] == 825000
    assert table.loc["Бумага А4", "units"] == 34
    assert table.loc["Бумага А4", "customers"] == 2
    assert table.loc["Бумага А4", "repurchase_rate"] == 0.5
    assert table.loc["Картридж", "net_revenue"] == 700000


def test_refund_row_without_product_splits_over_its_order(write):
    path = write(
        "r.csv",
        "order,customer,date,amount,product,price,qty\n"
        "1,a,2024-01-01,300.00,Tea,100.00,1\n"
        "1,a,2024-01-01,300.00,Pot,200.00,1\n"
        "1,a,2024-01-05,-30.00,,,\n"
        "2,b,2024-01-02,50.00,Tea,50.00,1\n",
    )
    table = product_table(_analysis(path), "product").set_index("product")
    assert table["net_revenue"].to_dict() == {"Pot": 18000, "Tea": 9000 + 5000, TOTAL: 32000}


def test_due_dates_add_the_median_interval(write):
    path = write(
        "d.csv",
        "customer,date,amount,product\n"
        "a,2024-01-01,10,Tea\na,2024-01-11,10,Tea\na,2024-01-21,10,Tea\n"
        "b,2024-01-05,10,Tea\nb,2024-01-15,10,Tea\nb,2024-02-01,10,Pot\n",
    )
    analysis = _analysis(path)
    due = due_dates(analysis, "Tea")
    by_customer = dict(zip(analysis.customers.loc[due.index, "customer"], due["due"], strict=True))
    assert {k: str(v) for k, v in by_customer.items()} == {"a": "2024-01-31", "b": "2024-01-25"}
    assert due["due_in_days"].tolist() == [-1, -7]  # as of 2024-02-01


def test_cart_numbers_and_lines_that_are_no_items():
    from ltvcli.schema.lines import parse_packed

    items = parse_packed("1. Кофе - 2 x 1,200.50 = 2,401.00\n2. Доставка: 1 x 100\nИтого: 2 501")
    assert items == [
        {"product": "Кофе", "sku": None, "category": None, "units": 2.0, "value": 240100}
    ]
    assert parse_packed("Чай, 3 x 1 200,50")[0]["value"] == 360150
    big = parse_packed("Product Qty: 1, Product Name: Desk, Product Total Price: 1,234.5000")
    assert big[0]["value"] == 123450
