"""``ltv products``, ``ltv drivers``, ``segments --by main-category`` and ``customers
--due-product`` through the real entry point, on the bundled line-level sample and on
real-looking exports (packed product cells, no product column at all)."""

from __future__ import annotations

import pytest
from helpers.exports import CASES
from helpers.paths import SAMPLE

LINES = str(SAMPLE / "order_lines.csv")


def test_products_add_up_to_the_store(run_cli):
    result = run_cli("products", LINES, "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    rows = result.json
    total = rows[-1]
    assert total["product"] == "(total)"
    compute = run_cli("compute", LINES, "-f", "json", "-q").json
    assert total["net_revenue"] == compute["net_revenue"]
    assert total["customers"] == compute["customers"] and total["orders"] == compute["orders"]
    assert round(sum(r["net_revenue"] for r in rows[:-1]) * 100) == round(
        total["net_revenue"] * 100
    )
    assert len(rows) == 17  # the sample's 16 products and the total


def test_products_by_category_of_an_order_level_export(run_cli):
    """orders.csv has one category per order and no product: the default is the category."""
    result = run_cli("products", str(SAMPLE / "orders.csv"), "-f", "csv", "-q")
    assert result.exit_code == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.startswith("category,customers,orders,units,net_revenue")
    assert {r.split(",")[0] for r in rows} == {
        "coffee", "tea", "equipment", "accessories", "gifts", "(total)",
    }  # fmt: skip


def test_journey_as_a_document(run_cli):
    result = run_cli("products", LINES, "--by", "category", "--journey", "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    document = result.json
    assert document["by"] == "category" and document["as_of"] == "2025-06-30"
    moves = document["transitions"]
    coffee = [m for m in moves if m["from"] == "coffee"]
    assert {m["second_order_customers"] for m in coffee} == {coffee[0]["second_order_customers"]}
    assert all(0 < m["share"] <= 1 for m in moves)
    assert document["paths"][0]["path"].count("→") == 2


def test_journey_for_people_shows_both_tables(run_cli):
    result = run_cli(
        "products", LINES, "--journey", "--by", "category", "--top", "5", "-q", "-f", "markdown"
    )
    assert result.exit_code == 0, result.stderr
    assert "Second order, given the first" in result.stdout
    assert "First three orders" in result.stdout


def test_streamed_products_equal_memory(run_cli):
    memory = run_cli("products", LINES, "-f", "csv", "-q").stdout
    streamed = run_cli("products", LINES, "-f", "csv", "-q", "--engine", "stream").stdout
    assert streamed == memory


def test_due_product_lists_its_buyers(run_cli):
    products = run_cli("products", LINES, "-f", "json", "-q").json
    sencha = next(p for p in products if p["product"] == "Sencha 100 g")
    result = run_cli(
        "customers", LINES, "--due-product", "Sencha 100 g", "-f", "json", "-q",
        "--columns", "customer,last_bought,due,due_in_days",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = result.json
    assert len(rows) == sencha["customers"]
    import datetime as dt

    for row in rows[:20]:
        gap = dt.date.fromisoformat(row["due"]) - dt.date.fromisoformat(row["last_bought"])
        assert gap.days == sencha["repurchase_median_days"]
    nearest = [abs(r["due_in_days"]) for r in rows]
    assert nearest == sorted(nearest)
    overdue = sum(1 for r in rows if r["due_in_days"] < 0)
    assert overdue == sencha["due_customers"]


def test_due_product_that_is_not_there(run_cli):
    result = run_cli("customers", LINES, "--due-product", "Caviar", "-q")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "ltv: error: --due-product: no product, SKU or category 'Caviar' in the orders"
    ]


def test_main_category_segments(run_cli):
    result = run_cli("segments", LINES, "--by", "main-category", "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    rows = result.json
    assert rows[0]["main_category"] == "coffee"  # most spend goes to coffee
    assert sum(r["customers"] for r in rows[:-1]) == rows[-1]["customers"] == 3952


def test_drivers_rank_by_lift(run_cli):
    result = run_cli("drivers", LINES, "-f", "json", "-q", "--min-customers", "30")
    assert result.exit_code == 0, result.stderr
    rows = result.json
    assert rows[-1]["attribute"] == "(all customers)"
    assert all(r["customers"] >= 30 for r in rows)
    lifts = [r["ltv_12m_lift"] for r in rows[:-1]]
    assert lifts == sorted(lifts, reverse=True)
    assert {r["attribute"] for r in rows[:-1]} >= {"product", "category", "Source", "Billing City"}
    assert "sku" not in {r["attribute"] for r in rows}  # one SKU per product: no repeats


def test_no_product_column_is_one_clear_line(run_cli, write):
    text, encoding, _ = CASES["stripe.csv"]
    result = run_cli("products", write("s.csv", text, encoding), "-q")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "ltv: error: no product, SKU or category column in the orders (name one: "
        "--product-column, --sku-column or --category-column)"
    ]


def test_product_column_flag_names_an_unknown_header(run_cli, write):
    """WooCommerce's item column is called just "Name": the flag says it is the product."""
    text, encoding, _ = CASES["woocommerce.csv"]
    path = write("w.csv", text, encoding)
    result = run_cli("products", path, "--product-column", "Name", "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    by_product = {r["product"]: r for r in result.json}
    assert by_product["Beans"]["customers"] == 1 and by_product["Beans"]["orders"] == 2
    assert by_product["(total)"]["net_revenue"] == 45.0


def test_bad_by_is_a_usage_error(run_cli):
    result = run_cli("products", LINES, "--by", "colour", "-q")
    assert result.exit_code == 2
    assert "--by: 'colour' is not product, sku or category" in result.stderr


BIGCOMMERCE_PACKED = """\
"Order ID","Customer Email","Order Date","Order Status","Order Total (inc tax)","Product Details"
"101","ann@bc.example","15/03/2024","Completed","49.9000","Product ID: 7, Product Qty: 2, Product SKU: MUG-1, Product Name: Mug, Product Weight: 0.5000, Product Variation Details: Colour: Blue, Size: L, Product Unit Price: 10.0000, Product Total Price: 20.0000|Product ID: 9, Product Qty: 1, Product SKU: TEA-5, Product Name: Tea, Product Weight: 0.1000, Product Variation Details: , Product Unit Price: 19.9000, Product Total Price: 19.9000"
"102","bob@bc.example","16/03/2024","Completed","19.9000","Product ID: 9, Product Qty: 1, Product SKU: TEA-5, Product Name: Tea, Product Weight: 0.1000, Product Variation Details: , Product Unit Price: 19.9000, Product Total Price: 19.9000"
"103","ann@bc.example","18/04/2024","Completed","39.8000","Product ID: 9, Product Qty: 2, Product SKU: TEA-5, Product Name: Tea, Product Weight: 0.1000, Product Variation Details: , Product Unit Price: 19.9000, Product Total Price: 39.8000"
"""
# 101 = 49.90 with shipping, split by the items' totals (Mug 20, Tea 19.90): 4990 × 20/39.9
# = 2501.25 and × 19.9/39.9 = 2488.75; the cent the floors leave goes to Tea's larger
# remainder: 2501 and 2489. 102: Tea 19.90; 103: Tea 39.80 (2 units).

TILDA_CART = """\
Email;Date;Сумма;Состав заказа
anna@t.example;2024-03-01;1 300;"1. Кофе Эфиопия 250 г - 2 x 450 = 900
2. Турка медная - 1 x 400 = 400
Итого: 1 300"
boris@t.example;2024-03-02;450;"1. Кофе Эфиопия 250 г - 1 x 450 = 450"
anna@t.example;2024-04-01;450;"1. Кофе Эфиопия 250 г - 1 x 450 = 450"
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BIGCOMMERCE_PACKED, {"Mug": (1, 2, 2501), "Tea": (2, 4, 2489 + 1990 + 3980)}),
        (
            TILDA_CART,
            {"Кофе Эфиопия 250 г": (2, 4, 90000 + 45000 + 45000), "Турка медная": (1, 1, 40000)},
        ),
    ],
    ids=["bigcommerce", "tilda"],
)
def test_packed_product_cells_are_unpacked(run_cli, write, text, expected):
    result = run_cli("products", write("p.csv", text), "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    got = {
        r["product"]: (r["customers"], r["units"], round(r["net_revenue"] * 100))
        for r in result.json[:-1]
    }
    assert got == expected


def test_russian_products_table(run_cli):
    result = run_cli(
        "products", str(SAMPLE / "orders_ru.csv"), "--lang", "ru", "-f", "markdown", "-q"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("## Товары")
    assert "| Категория |" in result.stdout and "Купили снова" in result.stdout


def test_products_xlsx(run_cli, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "p.xlsx"
    result = run_cli("products", LINES, "-o", out, "-q")
    assert result.exit_code == 0, result.stderr
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "Product"
    assert sheet.max_row == 18  # the header, 16 products and the total


def test_many_products_few_bought_again(run_cli, write):
    """Over 127 products (wider category codes) and a percentile no product reaches."""
    rows = ["customer,date,amount,product"]
    rows += [f"c{i},2024-01-01,10,P{i}" for i in range(130)]
    rows += ["c1,2024-01-01,10,P0", "c2,2024-01-01,10,P0", "c3,2024-01-01,10,P0"]
    rows += ["c0,2024-02-01,10,P0"]  # one of P0's four buyers came back: a quarter, not half
    path = write("many.csv", "\n".join(rows) + "\n")
    result = run_cli("products", path, "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    assert len(result.json) == 131
    due = run_cli("customers", path, "--due-product", "P0", "-f", "json", "-q")
    assert due.exit_code == 0 and len(due.json) == 4
    assert {r["due"] for r in due.json} == {None}  # under half ever rebuy it: no due day


def test_a_slot_blank_in_one_partition_streams(run_cli, write):
    text = "customer,date,amount,product,category\n" + "".join(
        f"c{i},2024-01-0{1 + i % 9},10,P{i % 3},{'tea' if i % 2 else ''}\n" for i in range(40)
    )
    path = write("blank.csv", text)
    memory = run_cli("segments", path, "--by", "main-category", "-f", "csv", "-q")
    streamed = run_cli(
        "segments", path, "--by", "main-category", "-f", "csv", "-q", "--engine", "stream"
    )
    assert memory.exit_code == 0 and streamed.stdout == memory.stdout


def test_numbers_in_a_packed_header_column(run_cli, tmp_path):
    """A typed column whose header could name a packed cell ("Payment", "Заказ") is no cart."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {"Email": ["a@x", "b@x", "a@x"], "Date": ["2024-01-01", "2024-01-02", "2024-02-01"],
         "Total": [10.0, 20.0, 5.0], "Payment": [1, 2, 3], "Category": ["tea", "pot", "tea"]}
    )  # fmt: skip
    pq.write_table(table, tmp_path / "typed.parquet")
    result = run_cli("products", tmp_path / "typed.parquet", "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    assert {r["category"]: r["customers"] for r in result.json} == {
        "tea": 1,
        "pot": 1,
        "(total)": 2,
    }
    report = run_cli("report", tmp_path / "typed.parquet", "-o", tmp_path / "r.json", "-q")
    assert report.exit_code == 0, report.stderr


def test_several_currencies_need_one(run_cli, write):
    path = write(
        "cur.csv",
        "customer,date,amount,currency,product\na,2024-01-01,100,USD,Tea\n"
        "b,2024-01-02,5000,RUB,Tea\n",
    )
    result = run_cli("products", path, "-q")
    assert result.exit_code == 2
    assert "pass --currency" in result.stderr
    one = run_cli("products", path, "--currency", "RUB", "-f", "json", "-q")
    assert one.json[0]["net_revenue"] == 5000


def test_first_order_is_the_earlier_of_one_day(run_cli, write):
    """Two orders on one day listed late first: the 09:00 one is the first order, for the
    journey as for the first-order channel."""
    path = write(
        "day.csv",
        "Order ID,Email,Date,Total,Product,Source\n"
        "2,a@x,2024-01-01 11:00,10.00,Pot,late\n"
        "1,a@x,2024-01-01 09:00,20.00,Spoon,early\n"
        "3,a@x,2024-02-01 09:00,20.00,Tea,other\n",
    )
    journey = run_cli("products", path, "--journey", "-f", "json", "-q").json
    assert journey["paths"][0]["path"] == "Spoon → Pot → Tea"
    drivers = run_cli("drivers", path, "--min-customers", "1", "-f", "json", "-q").json
    firsts = {(r["attribute"], r["value"]) for r in drivers[:-1]}
    assert firsts == {("product", "Spoon"), ("Source", "early")}


def test_line_column_flags_take_any_spelling_and_name_the_by(run_cli, write):
    path = write("t.csv", "customer,date,amount,Item Title\na,2024-01-01,10,Tea\n")
    bad = run_cli("products", path, "--product-column", "Nope", "-q")
    assert bad.exit_code == 2 and bad.stderr.strip().splitlines() == [
        "ltv: error: --product-column: no column 'Nope' (columns: customer, date, amount, "
        "Item Title)"
    ]
    for args in (["--product-column", "item title"], ["--product-column", "Item Title",
                                                        "--by", "Item Title"]):  # fmt: skip
        result = run_cli("products", path, *args, "-f", "json", "-q")
        assert result.exit_code == 0, result.stderr
        assert result.json[0]["product"] == "Tea"
