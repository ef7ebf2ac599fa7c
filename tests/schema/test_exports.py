"""Real-looking exports of the systems our users have: the right customers, orders and net revenue.

Each case is a small file as the system writes it (header spellings, money and date formats,
line items, refunds, statuses); the expected totals are worked out by hand in the comment.
"""

from __future__ import annotations

import gzip

import pytest
from conftest import totals

from ltvcli.load import load_orders
from ltvcli.options import LoadOptions

SHOPIFY = """\
Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Billing Name,Billing City,Cancelled at,Refunded Amount,Outstanding Balance,Source
#1001,Anna.Petrova@Mail.Example ,paid,2024-03-09 10:00:00 -0500,fulfilled,USD,90.00,10.00,0.50,100.50,0.00,2024-03-09 10:00:00 -0500,1,Shirt,60.00,Anna Petrova,Boston,,,0.00,web
#1001,anna.petrova@mail.example,,,,,,,,,,,2,Socks,15.00,,,,,,
#1002,bob@example.com,partially_refunded,2024-03-11 09:00:00 -0400,fulfilled,USD,1200.00,0,0,"1,200.00",0,2024-03-11 09:00:00 -0400,1,Coat,1200.00,Bob,NYC,,200.00,0,web
#1003,bob@example.com,refunded,2024-03-12 09:00:00 -0400,fulfilled,USD,50.00,0,0,50.00,0,2024-03-12 09:00:00 -0400,1,Hat,50.00,Bob,NYC,,50.00,0,pos
#1004,carl@example.com,voided,,unfulfilled,USD,30.00,0,0,30.00,0,2024-03-12 11:00:00 -0400,1,Cap,30.00,Carl,LA,2024-03-13 10:00:00 -0400,,0,web
#1005,carl@example.com,pending,,unfulfilled,USD,45.00,0,0,45.00,0,2024-03-14 11:00:00 -0400,1,Cap,45.00,Carl,LA,,,45.00,web
#1006,dina@example.com,paid,2024-11-03 01:30:00 -0500,fulfilled,USD,20.00,0,0,20.00,0,2024-11-03 01:30:00 -0500,1,Mug,20.00,Dina,LA,,,0,web
"""
# anna: 100.50 (lines collapsed); bob: 1200 - 200 + 50 - 50 = 1000; carl: voided + pending out;
# dina: 20. Customers 3, orders 4, net 1120.50.

WOOCOMMERCE = """\ufeffOrder Number,Order Status,Order Date,First Name (Billing),Email (Billing),Phone (Billing),City (Billing),Item #,Name,Quantity,Item Cost,Order Line Total,Order Refund Amount,Order Total Amount\r
501,Completed,2024-03-05 14:22,Ann,ann@shop.example,+1 212 555 0143,Austin,1,Beans,2,10.00,20.00,0.00,35.00\r
501,Completed,2024-03-05 14:22,Ann,ann@shop.example,+1 212 555 0143,Austin,2,Filter,1,15.00,15.00,0.00,35.00\r
502,Refunded,2024-03-06 09:00,Ben,BEN@shop.example,,Dallas,1,Grinder,1,80.00,80.00,80.00,80.00\r
503,Processing,2024-03-07 10:00,Ann,ann@shop.example,,Austin,1,Beans,1,10.00,10.00,0.00,10.00\r
504,Failed,2024-03-07 11:00,Cy,cy@shop.example,,Austin,1,Beans,1,10.00,10.00,0.00,10.00\r
505,On hold,2024-03-08 11:00,Cy,cy@shop.example,,Austin,1,Beans,1,10.00,10.00,0.00,10.00\r
"""
# order total repeated on every line: 501 = 35 once. ann 35 + 10, ben 80 - 80 = 0.
# Customers 2 (ann, ben), orders 3, net 45.00.

STRIPE = """\
id,Description,Created date (UTC),Amount,Amount Refunded,Currency,Converted Amount,Fee,Status,Customer ID,Customer Email,order_id (metadata)
ch_1,Order 1,2024-06-05 20:38:34,"1,000.00",0.00,usd,"1,000.00",29.30,Paid,cus_A,a@x.example,1
ch_2,Order 2,2024-06-06 08:00:00,250.00,50.00,usd,250.00,7.55,Paid,cus_A,a@x.example,2
ch_3,Order 3,2024-06-07 08:00:00,99.00,0.00,usd,99.00,0,Failed,cus_B,b@x.example,3
ch_4,Order 4,2024-06-08 08:00:00,75.00,75.00,usd,75.00,2.48,Refunded,cus_B,b@x.example,4
ch_5,Order 5,2024-06-09 08:00:00,10.00,0.00,usd,10.00,0.59,Paid,,guest@x.example,5
"""
# Customer ID is the key (guest has none: skipped). cus_A: 1000 + 250 - 50; cus_B: 75 - 75.
# Customers 2, orders 3, net 1200.00.

PAYPAL_DE = """\ufeff"Datum","Uhrzeit","Zeitzone","Name","Typ","Status","Währung","Brutto","Gebühr","Netto","Absender E-Mail-Adresse","Empfänger E-Mail-Adresse","Transaktionscode","Zugehöriger Transaktionscode","Guthaben"
"15.03.2024","10:05:33","Europe/Berlin","Max Muster","Website-Zahlung","Abgeschlossen","EUR","1.234,56","-23,80","1.210,76","max@example.de","shop@example.de","T1","","1.210,76"
"16.03.2024","11:00:00","Europe/Berlin","Eva","Website-Zahlung","Abgeschlossen","EUR","50,00","-1,30","48,70","eva@example.de","shop@example.de","T2","","1.259,46"
"17.03.2024","12:00:00","Europe/Berlin","Max Muster","Rückzahlung","Abgeschlossen","EUR","-34,56","0,60","-33,96","shop@example.de","max@example.de","T3","T1","1.225,50"
"18.03.2024","09:00:00","Europe/Berlin","","Allgemeine Abbuchung","Abgeschlossen","EUR","-500,00","0,00","-500,00","shop@example.de","","T4","","725,50"
"""
# Refund T3 refers to T1, so it is Max's (not the shop's e-mail). Bank withdrawal is not a sale.
# Customers 2, orders 2, net 1234.56 + 50 - 34.56 = 1250.00.

SQUARE = """\
Date,Time,Time Zone,Gross Sales,Discounts,Net Sales,Tax,Tip,Total Collected,Transaction ID,Event Type,Customer ID,Customer Name
2022-11-10,21:50:48,Pacific Time (US & Canada),$22.50,$0.00,$22.50,$1.80,$2.00,$26.30,tx1,Payment,C1,Kim
2022-11-11,10:00:00,Pacific Time (US & Canada),"$1,250.00",$0.00,"$1,250.00",$0.00,$0.00,"$1,250.00",tx2,Payment,C2,Lee
2022-11-12,12:30:00,Pacific Time (US & Canada),-$3.00,$0.00,-$3.00,$0.00,$0.00,-$3.00,tx3,Refund,C1,Kim
2022-11-12,13:00:00,Pacific Time (US & Canada),$5.00,$0.00,$5.00,$0.00,$0.00,$5.00,tx4,Payment,,
"""
# Total Collected is the amount; walk-in sale has no customer. Kim 26.30 - 3, Lee 1250.
# Customers 2, orders 2, net 1273.30.

MAGENTO = """\
ID,Purchase Point,Purchase Date,Bill-to Name,Grand Total (Base),Grand Total (Purchased),Status,Customer Email,Customer Group,Subtotal,Total Refunded
000000123,"Main Website
Main Store",\"Mar 15, 2024 10:05:33 AM\",Ann,"$1,234.50","$1,234.50",complete,ann@m.example,General,"$1,200.00",
000000124,Main Website,\"Mar 16, 2024 1:05:00 PM\",Bo,$100.00,$100.00,closed,bo@m.example,General,$100.00,$100.00
000000125,Main Website,\"Mar 17, 2024 9:00:00 AM\",Ann,$40.00,$40.00,canceled,ann@m.example,General,$40.00,
000000126,Main Website,\"Mar 18, 2024 9:00:00 AM\",Ann,$60.00,$60.00,processing,ann@m.example,General,$60.00,$10.00
"""
# closed = refunded in full. Ann 1234.50 + 60 - 10; Bo 100 - 100. Customers 2, orders 3, net 1284.50.

ONE_C = """\
Продажи по контрагентам
Период: 01.01.2024 - 31.01.2024
Отбор: Организация = ООО "Ромашка"

Период;Документ;Контрагент;Номенклатура;Количество;Выручка;Себестоимость
15.01.2024 9:05:00;Реализация 0000-000123 от 15.01.2024 9:05:00;ООО "Вектор";Кофе;12,000;1\u00a0234\u00a0567,89;800\u00a0000,00
16.01.2024 0:00:00;Реализация 0000-000124 от 16.01.2024 0:00:00;ИП Смирнов;Чай;1,000;2\u00a0400,00;1\u00a0000,00
20.01.2024 12:00:00;Возврат товаров от клиента 0000-000007 от 20.01.2024;ООО "Вектор";Кофе;-1,000;-567,89;-300,00
;;;;;;
Итого;;;;12,000;1\u00a0236\u00a0400,00;801\u00a0700,00
"""
# cp1251, ';', NBSP thousands, title lines, a blank ';;;' line and an Итого row.
# Вектор 1 234 567.89 - 567.89; Смирнов 2 400. Customers 2, orders 2, net 1 236 400.00.

BITRIX = """\
ID;Дата создания;Статус;Оплачен;Отменен;Сумма;Покупатель;E-mail;Телефон
101;22.11.2024 14:05:33;Выполнен;Y;N;12 345.00 руб.;Иванов;ivan@b.example;+7 (912) 345-67-89
102;23.11.2024 10:00:00;Выполнен;Y;Y;500.00 руб.;Иванов;ivan@b.example;+7 (912) 345-67-89
103;24.11.2024 10:00:00;Принят, ожидается оплата;N;N;700.00 руб.;Петров;petr@b.example;8 912 000 00 00
104;25.11.2024 10:00:00;Выполнен;Y;N;1 000.00 руб.;Петров;PETR@b.example ;89120000000
"""
# Отменен = Y excludes 102; 103 is still open. Customers 2, orders 2, net 13 345.00.

AMOCRM = """\ufeffID,Название сделки,Бюджет,Дата создания,Дата закрытия,Этап сделки,Полное имя контакта,Мобильный телефон,utm_source
1,Заказ 1,450000,20.11.2024 10:00,22.11.2024 14:05,Успешно реализовано,Анна,+7 916 555-12-34,yandex
2,Заказ 2,120000,21.11.2024 10:00,,Переговоры,Борис,8 (916) 555-00-00,google
3,Заказ 3,30000,21.11.2024 11:00,23.11.2024 10:00,Закрыто и не реализовано,Анна,89165551234,yandex
4,Заказ 4,15000,22.11.2024 11:00,24.11.2024 10:00,Успешно реализовано,Анна,8 916 555 12 34,yandex
"""
# Phones in three spellings are one customer; open and lost deals are out.
# Customers 1, orders 2, net 465 000.

RETAILCRM = """\
Номер;Дата оформления;Статус;Покупатель;Email;Телефон;Город;Товар;Количество;Цена;Сумма
4512A;15.03.2024 12:34;Выполнен;Оля;olya@r.example;;Казань;Кофе;1;1000,50;2400,50
4512A;15.03.2024 12:34;Выполнен;Оля;olya@r.example;;Казань;Турка;1;1400,00;2400,50
4513A;16.03.2024 12:34;Отменен;Оля;olya@r.example;;Казань;Кофе;1;1000,50;1000,50
4514A;17.03.2024 12:34;Возврат;Оля;olya@r.example;;Казань;Кофе;1;500,00;500,00
4515A;18.03.2024 12:34;Выполнен;Паша;pasha@r.example;;Пермь;Чай;2;300,00;600,00
"""
# Сумма is the order total repeated per line. Оля 2400.50 + (500 - 500), Паша 600.
# Customers 2, orders 3, net 3000.50.

CLOUDPAYMENTS = """\
Дата;Время;Тип операции;Номер транзакции;Номер заказа;Сумма;Валюта;AccountId;Email;Статус
15.03.2025;10:00:00;Оплата;t1;o1;1234,50;RUB;acc1;a@c.example;Completed
16.03.2025;11:00:00;Оплата;t2;o2;100,00;RUB;acc2;b@c.example;Completed
17.03.2025;12:00:00;Возврат;t3;o1;234,50;RUB;acc1;a@c.example;Completed
18.03.2025;12:00:00;Оплата;t4;o3;999,00;RUB;acc2;b@c.example;Declined
"""
# A refund is a positive amount marked by the type column. acc1 1234.50 - 234.50, acc2 100.
# Customers 2, orders 2, net 1100.00.


CASES = {
    "shopify.csv": (SHOPIFY, "utf-8", (3, 4, 112050)),
    "woocommerce.csv": (WOOCOMMERCE, "utf-8", (2, 3, 4500)),
    "stripe.csv": (STRIPE, "utf-8", (2, 3, 120000)),
    "paypal_de.csv": (PAYPAL_DE, "utf-8", (2, 2, 125000)),
    "square.csv": (SQUARE, "utf-8", (2, 2, 127330)),
    "magento.csv": (MAGENTO, "utf-8", (2, 3, 128450)),
    "1c_report.csv": (ONE_C, "cp1251", (2, 2, 123640000)),
    "bitrix.csv": (BITRIX, "cp1251", (2, 2, 1334500)),
    "amocrm.csv": (AMOCRM, "utf-8", (1, 2, 46500000)),
    "retailcrm.csv": (RETAILCRM, "utf-8", (2, 3, 300050)),
    "cloudpayments.csv": (CLOUDPAYMENTS, "utf-8", (2, 2, 110000)),
}


@pytest.mark.parametrize("name", CASES)
def test_export_gives_right_customers_orders_and_net_revenue(name, write):
    text, encoding, expected = CASES[name]
    loaded = load_orders(str(write(name, text, encoding)))
    assert totals(loaded) == expected


def test_shopify_continuation_lines_and_dst_offsets(write):
    loaded = load_orders(str(write("shopify.csv", SHOPIFY)))
    orders = loaded.orders.set_index("order_id")
    assert orders.loc["#1001", "customer"] == "anna.petrova@mail.example"
    assert orders.loc["#1001", "gross_cents"] == 10050
    assert str(orders.loc["#1006", "ordered_at"]) == "2024-11-03 01:30:00"
    assert loaded.report.skipped["cancelled, failed or lost order"] == 1
    assert loaded.report.skipped["open or pending order (not yet revenue; --include-open)"] == 1


def test_include_open_counts_pending_orders(write):
    path = str(write("shopify.csv", SHOPIFY))
    assert totals(load_orders(path, LoadOptions(include_open=True))) == (4, 5, 116550)


def test_1c_report_skips_title_blank_and_total_rows(write):
    loaded = load_orders(str(write("1c.csv", ONE_C, "cp1251")))
    skipped = loaded.report.skipped
    assert skipped["title line before the header"] == 3
    assert skipped["summary row (Итого/Total)"] == 1
    source = loaded.report.sources[0]
    assert source["encoding"] == "cp1251" and source["delimiter"] == ";"
    assert source["columns"]["customer"] == "Контрагент"


def test_timezone_option_converts_offsets(write):
    path = str(write("shopify.csv", SHOPIFY))
    loaded = load_orders(path, LoadOptions(timezone="UTC"))
    first = loaded.orders.set_index("order_id").loc["#1006", "ordered_at"]
    assert str(first) == "2024-11-03 06:30:00"


def test_gzip_compressed_export(write):
    loaded = load_orders(str(write("stripe.csv.gz", gzip.compress(STRIPE.encode()))))
    assert totals(loaded) == CASES["stripe.csv"][2]


def test_mixed_currencies_stay_apart(write):
    text = "customer,date,amount,currency\na,2024-01-01,10.00,USD\na,2024-01-02,20.00,EUR\nb,2024-01-03,5.00,usd\n"
    loaded = load_orders(str(write("mixed.csv", text)))
    by_currency = loaded.orders.groupby("currency")["gross_cents"].sum().to_dict()
    assert by_currency == {"EUR": 2000, "USD": 1500}
    only_usd = load_orders(str(write("mixed.csv", text)), LoadOptions(currency="usd"))
    assert totals(only_usd) == (2, 2, 1500)


def test_currency_symbols_in_cells_are_currency_evidence(write):
    text = 'client,date,sum\nx,01.02.2024,"1 234,50 ₽"\ny,02.02.2024,$10.00\n'
    loaded = load_orders(str(write("symbols.csv", text)))
    assert dict(zip(loaded.orders["customer"], loaded.orders["currency"], strict=True)) == {
        "x": "RUB",
        "y": "USD",
    }


YOOKASSA_PAYMENTS = """\ufeffРЕЕСТР ПЛАТЕЖЕЙ ОТ Магазин. № 17
Дата: 16.03.2025
Идентификатор платежа;Номер заказа;Время платежа;Сумма платежа;Валюта платежа;Email покупателя
2f1;A-1;15.03.2025 12:34:56;1234.50;RUB;a@y.example
2f2;A-2;15.03.2025 13:00:00;100.00;RUB;b@y.example
Сумма платежей: 1334.50
Число платежей: 2
"""
YOOKASSA_REFUNDS = """\ufeffНомер транзакции;Сумма возврата;Валюта платежа;Время зачисления возврата;Номер заказа
r1;234.50;RUB;20.03.2025 10:00:00;A-1
"""


def test_yookassa_registry_with_a_separate_refunds_registry(write):
    payments = str(write("payments.csv", YOOKASSA_PAYMENTS))
    refunds = str(write("refunds.csv", YOOKASSA_REFUNDS))
    loaded = load_orders([payments, refunds])
    assert totals(loaded) == (2, 2, 110000)
    assert loaded.report.skipped["summary row (Итого/Total)"] == 2
    assert loaded.report.skipped["title line before the header"] == 2


def test_headerless_file_with_names(write):
    path = str(write("plain.csv", "c1,2024-01-05,10.50\nc2,2024-01-06,20.00\nc1,2024-02-01,5.25\n"))
    options = LoadOptions(no_header=True, names=("id", "date", "amount"))
    assert totals(load_orders(path, options)) == (2, 3, 3575)


def test_repeated_headers_and_emails_found_by_value(write):
    text = (
        "col_a,col_b,col_c\nann@x.example,2024-01-05,10.50\n"
        "col_a,col_b,col_c\nbob@x.example,2024-01-06,20.00\n"
    )
    loaded = load_orders(str(write("pasted.csv", text)))
    assert totals(loaded) == (2, 2, 3050)
    assert loaded.report.skipped["repeated header row"] == 1
    reasons = loaded.report.sources[0]["reasons"]
    assert reasons["customer"] == "its values are e-mail addresses"
