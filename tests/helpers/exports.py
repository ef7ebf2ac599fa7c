"""Real-looking exports of the systems our users have, as their systems write them, with the
customers, orders and net revenue (cents) worked out by hand for each in the comment beside it
(the rules are in ``tests/schema/test_exports.py``'s docstring). Shared by the export tests, the
streaming engine's tests, every command's test and the fuzz corpus's seeds.
"""

from __future__ import annotations

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
# Customer ID and Customer Email both identify: the guest (no Customer ID) is a customer keyed by
# e-mail. cus_A: 1000 + 250 - 50; cus_B: 99 failed, 75 - 75 refunded (1 order, net 0);
# guest@x.example: 10. Customers 3, orders 4, net 1210.00.

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


# --- Shops and marketplaces -------------------------------------------------------------------

BIGCOMMERCE = """\
"Order ID","Customer ID","Customer Name","Customer Email","Customer Phone","Order Date","Order Status","Subtotal (inc tax)","Subtotal (ex tax)","Tax Total","Shipping Cost (inc tax)","Shipping Cost (ex tax)","Order Total (inc tax)","Order Total (ex tax)","Payment Method","Total Quantity","Order Currency Code"
"101","12","Ann Lee","ann@bc.example","(512) 555-0101","15/03/2024","Completed","39.9000","39.9000","0.0000","10.0000","10.0000","49.9000","49.9000","Credit Card","2","USD"
"102","0","Gail Guest","gail@bc.example","","16/03/2024","Completed","25.0000","25.0000","0.0000","0.0000","0.0000","25.0000","25.0000","PayPal","1","USD"
"103","0","Gail Guest","GAIL@bc.example ","","18/03/2024","Shipped","10.5000","10.5000","0.0000","0.0000","0.0000","10.5000","10.5000","PayPal","1","USD"
"104","12","Ann Lee","ann@bc.example","(512) 555-0101","19/03/2024","Cancelled","99.0000","99.0000","0.0000","0.0000","0.0000","99.0000","99.0000","Credit Card","3","USD"
"105","0","Hal Guest","hal@bc.example","","20/03/2024","Refunded","30.0000","30.0000","0.0000","0.0000","0.0000","30.0000","30.0000","Credit Card","1","USD"
"106","34","Ian Moss","ian@bc.example","","21/03/2024","Awaiting Payment","15.0000","15.0000","0.0000","0.0000","0.0000","15.0000","15.0000","Bank Deposit","1","USD"
"""
# BigCommerce Orders › Export (default template; header order from a public importer's comment
# listing the native export, cut after "Order Currency Code"). Every field quoted, 4-decimal money,
# guests have Customer ID 0 (a placeholder: missing) but always an e-mail.
# - Ann (id 12): 101 = 49.90 (Order Total, shipping included); 104 cancelled: out. 1 order.
# - Gail (guest, gail@bc.example; 103 spells it GAIL@… with a trailing space): 25.00 + 10.50.
# - Hal (guest, hal@bc.example): 105 refunded in full: 30 - 30 = 0, still 1 order.
# - Ian (id 34): 106 Awaiting Payment is open: out, so Ian is no customer.
# Naively "0" is one customer holding Gail and Hal. Customers 3, orders 4, net 85.40.

ETSY = """\
Sale Date,Order ID,Buyer User ID,Full Name,First Name,Last Name,Number of Items,Payment Method,Date Shipped,Street 1,Street 2,Ship City,Ship State,Ship Zipcode,Ship Country,Currency,Order Value,Coupon Code,Coupon Details,Discount Amount,Shipping Discount,Shipping,Sales Tax,Order Total,Status,Card Processing Fees,Order Net,Adjusted Order Total,Adjusted Card Processing Fees,Adjusted Net Order Amount,Buyer,Order Type,Payment Type,InPerson Discount,InPerson Location,SKU
09/03/24,3201456789,412977301,Jane Doe,Jane,Doe,2,Credit Card,09/05/24,12 Oak Lane,,Austin,TX,78701,United States,USD,34.00,,,0.00,0.00,0.00,0.00,34.00,Completed,1.27,32.73,,,,janedoe77,online,online_cc,,,MUG-01
09/12/24,3207654321,588120044,Bob Smith,Bob,Smith,1,PayPal,09/14/24,99 Hill Road,,Seattle,WA,98101,United States,USD,18.50,,,0.00,0.00,0.00,0.00,18.50,Completed,0.81,17.69,,,,bobsmith,online,paypal,,,SOAP-02
09/20/24,3211112222,412977301,Jane Doe,Jane,Doe,1,Credit Card,09/23/24,12 Oak Lane,,Austin,TX,78701,United States,USD,22.00,,,0.00,0.00,0.00,0.00,22.00,Completed,0.91,21.09,,,,janedoe77,online,online_cc,,,CARD-03
09/28/24,3215550000,733301122,Cara Lin,Cara,Lin,3,Credit Card,09/30/24,5 Bay St,Apt 2,Portland,ME,04101,United States,USD,51.00,,,0.00,0.00,0.00,0.00,51.00,Completed,1.78,49.22,,,,caralin,online,online_cc,,,"SOAP-02,MUG-01"
10/02/24,3219990000,588120044,Bob Smith,Bob,Smith,1,PayPal,10/04/24,99 Hill Road,,Seattle,WA,98101,United States,USD,18.50,,,0.00,0.00,0.00,0.00,18.50,Completed,0.81,17.69,,,,bobsmith,online,paypal,,,SOAP-02
"""
# Etsy Shop Manager › Settings › Options › Download Data › Orders (EtsySoldOrders2024.csv; header
# verbatim from several public importers' fixtures). MM/DD/YY dates, zip with a leading zero,
# "Number of Items" is a count (never the order id), "Order Net" is after fees (not the amount).
# No shipping, tax or discount here, so Order Value = Order Total.
# - Jane (Buyer User ID 412977301): 34.00 + 22.00, 2 orders.
# - Bob (588120044): 18.50 + 18.50 (two orders of the same thing on different days), 2 orders.
# - Cara (733301122): 51.00, 1 order.
# Customers 3, orders 5, net 144.00.

AMAZON = (
    "order-id\torder-item-id\tpurchase-date\tpayments-date\tbuyer-email\tbuyer-name\tbuyer-phone-number\tsku\tproduct-name\tquantity-purchased\tcurrency\titem-price\titem-tax\tshipping-price\tshipping-tax\tship-service-level\trecipient-name\tship-address-1\tship-address-2\tship-address-3\tship-city\tship-state\tship-postal-code\tship-country\tship-phone-number\tdelivery-start-date\tdelivery-end-date\tdelivery-time-zone\tdelivery-Instructions\n"
    "114-0149180-7966659\t59686379847882\t2024-03-02T14:18:23-08:00\t2024-03-02T14:18:23-08:00\tx7k2m9q4p1r8s3t@marketplace.amazon.com\tRoger W.\t\tHAT-01\tBucket Hat\t1\tUSD\t19.99\t0.00\t0.00\t0.00\tStandard\tRoger W.\t1 Elm St\t\t\tLouisville\tKY\t40202\tUS\t\t\t\t\t\n"
    "114-0149180-7966659\t59686379847883\t2024-03-02T14:18:23-08:00\t2024-03-02T14:18:23-08:00\tx7k2m9q4p1r8s3t@marketplace.amazon.com\tRoger W.\t\tHAT-02\tSun Visor\t2\tUSD\t25.98\t0.00\t0.00\t0.00\tStandard\tRoger W.\t1 Elm St\t\t\tLouisville\tKY\t40202\tUS\t\t\t\t\t\n"
    "113-5551234-0000001\t59686379900001\t2024-03-05T09:02:11-08:00\t2024-03-05T09:02:11-08:00\ta1b2c3d4e5f6g7h@marketplace.amazon.com\tMia K.\t\tSOCK-01\tWool Socks\t3\tUSD\t14.97\t0.00\t0.00\t0.00\tStandard\tMia K.\t7 Pine Ave\t\t\tBoise\tID\t83702\tUS\t\t\t\t\t\n"
    "112-7770000-1234567\t59686380011111\t2024-03-09T20:45:00-08:00\t2024-03-09T20:45:00-08:00\tx7k2m9q4p1r8s3t@marketplace.amazon.com\tRoger W.\t\tHAT-01\tBucket Hat\t1\tUSD\t19.99\t0.00\t0.00\t0.00\tExpedited\tRoger W.\t1 Elm St\t\t\tLouisville\tKY\t40202\tUS\t\t\t\t\t\n"
    "111-9990000-7654321\t59686380022222\t2024-03-11T08:30:00-07:00\t2024-03-11T08:30:00-07:00\tq9w8e7r6t5y4u3i@marketplace.amazon.com\tSam T.\t\tHAT-02\tSun Visor\t1\tUSD\t12.99\t0.00\t0.00\t0.00\tStandard\tSam T.\t3 Oak Ct\t\t\tTulsa\tOK\t74103\tUS\t\t\t\t\t\n"
)
# Amazon Seller Central › Reports › Order Reports (the FBM "New Orders" flat file: tab-separated
# .txt, header verbatim from public parsers and test data). One row per order item; item-price is
# the line total (quantity x unit price); buyer-email is Amazon's masked relay address, stable per
# buyer. order-item-id is unique per line (not the order id); the UTC offset changes with US DST
# (10 March 2024). No tax or shipping here, so the item prices are the money.
# - Roger (x7k2…): order 114-…-7966659 has two lines 19.99 + 25.98 = 45.97 (one order), and
#   order 112-… 19.99: 2 orders, 65.96.
# - Mia (a1b2…): 14.97, 1 order.   - Sam (q9w8…): 12.99, 1 order.
# Customers 3, orders 4, net 93.92.

WOO_ANALYTICS = """\
Date,Order #,Status,Customer,Customer type,Product(s),Items sold,Coupon(s),Net sales
2024-03-20 10:05:00,1203,Completed,Ann Smith,returning,Beans,1,,$12.00
2024-03-18 09:12:00,1202,Refunded,Bo Lee,new,Grinder,-1,,-$80.00
2024-03-15 14:30:00,1202,Refunded,Bo Lee,new,Grinder,1,,$80.00
2024-03-14 11:00:00,1201,Processing,Ann Smith,new,"Beans, Filter",3,WELCOME10,$31.50
2024-03-12 16:45:00,1200,Completed,Cy Park,new,Mug,1,,$9.00
"""
# WooCommerce › Analytics › Orders › Download (columns from the woocommerce repo's orders report
# table). Newest first; the customer is only a name (the last-resort key); "Items sold" is a count;
# "Customer type" new/returning repeats across customers. WooCommerce's docs: a refunded order has
# two rows, one on the order date and one (negative) on the refund date.
# - Ann Smith: 1201 31.50 + 1203 12.00, 2 orders.
# - Bo Lee: 1202 is one order: +80 on 15 March, -80 refunded on 18 March: net 0 (the Refunded
#   status is the same refund, not a second one), 1 order.
# - Cy Park: 1200 9.00, 1 order.
# Customers 3, orders 4, net 52.50.

INSALES = """\
Номер заказа;Дата создания;Статус заказа;Статус оплаты;Сумма заказа;Стоимость доставки;Покупатель;E-mail;Телефон;Город;Название товара;Артикул;Количество;Цена\r
1001;05.03.2024 14:20;Доставлен;Оплачен;3 290,00;300,00;Мария Кузнецова;maria@ins.example;+7 (921) 111-22-33;Санкт-Петербург;Чай улун;T-01;2;695,00\r
1001;05.03.2024 14:20;Доставлен;Оплачен;3 290,00;300,00;Мария Кузнецова;maria@ins.example;+7 (921) 111-22-33;Санкт-Петербург;Чайник;K-07;1;1 600,00\r
1002;06.03.2024 10:05;Отменён;Не оплачен;990,00;0,00;Павел;pavel@ins.example;;Москва;Чай пуэр;T-05;1;990,00\r
1003;09.03.2024 19:45;Доставлен;Оплачен;1 690,00;300,00;Мария К.;;8 921 111 22 33;Санкт-Петербург;Чай пуэр;T-05;1;1 390,00\r
1004;12.03.2024 08:30;Новый;Не оплачен;695,00;0,00;Павел;pavel@ins.example;;Москва;Чай улун;T-01;1;695,00\r
1005;15.03.2024 13:00;Доставлен;Оплачен;2 085,00;0,00;Павел;PAVEL@ins.example;+7 999 555-44-33;Москва;Чай улун;T-01;3;695,00\r
"""
# InSales orders export, one row per item, order total repeated on each (column set reconstructed
# from the research notes: not found verbatim). cp1251, ';', CRLF. Сумма заказа = Σ Цена×Количество
# + доставка, taken once per order.
# - Мария (maria@…, +79211112233): 1001 = 2×695 + 1600 + 300 = 3290 (two lines, one order); 1003
#   has no e-mail but the same phone (8 921 111 22 33): 1690. 2 orders, 4980.
# - Павел (pavel@…): 1002 cancelled and 1004 new/unpaid (open): out; 1005 = 3×695 = 2085.
# Customers 2, orders 3, net 7065.00.

# --- Payments ----------------------------------------------------------------------------------

TINKOFF = """\
Дата операции;Номер заказа;Идентификатор платежа;Тип операции;Сумма операции;Комиссия;Статус;CustomerKey;Email;Телефон
01.04.2024 10:02:11;ord-1;3001;Оплата;1 500,00;37,50;CONFIRMED;user-17;olga@t.example;+7 903 111-22-33
02.04.2024 19:45:00;ord-2;3002;Оплата;800,00;20,00;CONFIRMED;;OLGA@t.example ;
03.04.2024 08:30:12;ord-3;3003;Оплата;2 000,00;50,00;CONFIRMED;;;8 (903) 111-22-33
04.04.2024 12:00:00;ord-4;3004;Оплата;450,00;0,00;REJECTED;;petr@t.example;
05.04.2024 13:14:15;ord-5;3005;Оплата;990,00;24,75;CONFIRMED;user-42;petr@t.example;
06.04.2024 09:00:00;ord-1;3006;Возврат;500,00;0,00;CONFIRMED;user-17;olga@t.example;+7 903 111-22-33
"""
# T-Bank (Tinkoff) internet acquiring, operations list (statuses and CustomerKey as in the T-Bank
# API; the Russian column labels are reconstructed). CustomerKey is set only for registered payers;
# guests leave an e-mail or a phone. A refund is a positive amount with type Возврат.
# - Ольга: user-17 with olga@t.example and +79031112233; ord-2 is a guest with the same e-mail
#   (other case, trailing space), ord-3 a guest with only the same phone: one customer.
#   1500 + 800 + 2000 - 500 (refund of ord-1) = 3800, 3 orders.
# - Пётр: ord-4 REJECTED: out; ord-5 user-42: 990, 1 order.
# Customers 2, orders 4, net 4790.00.

ROBOKASSA = """\
Номер счета;Дата создания;Сумма;Сумма к зачислению;Способ оплаты;E-mail;Статус;Описание
1201;01.04.2024 10:00:00;2990,00;2885,35;BankCard;lena@robo.example;Оплачен;Курс английского A1
1202;01.04.2024 11:30:00;990,00;955,35;SBP;max@robo.example;Оплачен;Вебинар
1203;02.04.2024 09:15:00;2990,00;0,00;BankCard;max@robo.example;Отменен;Курс английского A1
1204;05.04.2024 18:00:00;1490,00;1437,85;YandexPay;Lena@Robo.example;Оплачен;Разговорный клуб
1205;07.04.2024 12:00:00;990,00;955,35;BankCard;oleg@robo.example;Возвращен;Вебинар
"""
# Robokassa operations list (fields as in Robokassa's GetOperations API: invoice id, dates, sum,
# sum after fees, payment method, e-mail, state; the Russian labels are reconstructed). Сумма к
# зачислению is after fees: not the amount.
# - lena@robo.example (1204 spelled Lena@Robo.example): 2990 + 1490, 2 orders.
# - max@: 1202 990; 1203 cancelled: out. 1 order.
# - oleg@: 1205 refunded in full: 990 - 990 = 0, 1 order.
# Customers 3, orders 4, net 5470.00.

YOOKASSA_REGISTRY = """\
РЕЕСТР ПЛАТЕЖЕЙ В Кофейня Зерно. № 214
Дата платежей: 15.03.2025
Номер транзакции;Идентификатор клиента;Сумма платежа;Валюта платежа;Сумма за вычетом комиссии;Время платежа;Номер кошелька плательщика;Краткое описание;Тип платежа
2001;client-77;1250.00;RUB;1215.00;15.03.2025 09:12:44;;Заказ 5501;Банковская карта
2002;;480.00;RUB;466.56;15.03.2025 10:03:10;;Заказ 5502;Банковская карта
2003;client-77;300.00;RUB;291.60;15.03.2025 12:40:00;;Заказ 5503;Банковская карта
2004;vera@zerno.example;990.00;RUB;962.28;15.03.2025 13:15:05;;Заказ 5504;Банковская карта
2005;;150.00;RUB;145.80;15.03.2025 18:01:59;;Заказ 5505;Банковская карта
2006;vera@zerno.example;210.00;RUB;204.12;15.03.2025 19:30:00;;Заказ 5506;Банковская карта
Сумма принятых платежей типа Банковская карта: 3380.00
Сумма принятых платежей за вычетом комиссии типа Банковская карта: 3285.36
Число платежей типа Банковская карта: 6
"""
# ЮKassa daily payments registry (title, date line, header and footer lines as documented by
# ЮKassa for the e-mailed registry). Идентификатор клиента (the shop's customerNumber) is filled only
# for logged-in payers, with whatever the shop passes: an id or an e-mail. Guests 2002 and 2005
# carry nothing that identifies a person: skipped (no customer). Footer lines are not payments.
# - client-77: 1250 + 300, 2 orders.   - vera@zerno.example: 990 + 210, 2 orders.
# Customers 2, orders 4, net 2750.00.

# --- Analytics -----------------------------------------------------------------------------------

GA4 = """\
event_date,event_timestamp,event_name,user_pseudo_id,user_id,transaction_id,purchase_revenue,refund_value,currency,traffic_source_source
20240301,1709284502123456,purchase,1197596843.1709284400,,T100,50.00,,USD,google
20240302,1709404811482913,purchase,1197596843.1709284400,U-9,T101,30.00,,USD,google
20240305,1709640239007715,purchase,2038811920.1709640100,U-9,T102,20.00,,USD,(direct)
20240305,1709640239007715,purchase,2038811920.1709640100,U-9,T102,20.00,,USD,(direct)
20240306,1709756080650002,purchase,772301455.1709755990,,T103,15.00,,USD,facebook
20240307,1709805600311190,refund,1197596843.1709284400,U-9,T101,,30.00,USD,google
20240308,1709883087900431,purchase,1500348876.1709883000,U-12,T104,40.00,,USD,(direct)
"""
# GA4 BigQuery export (events_*), purchase and refund events flattened to CSV: event_date
# YYYYMMDD, event_timestamp in µs UTC, user_pseudo_id (cookie, always set) and user_id (only when
# logged in), ecommerce transaction_id / purchase_revenue / refund_value (field names from GA4's
# BigQuery schema; the user_pseudo_id + user_id pairing as in the dbt-ga4 user-id mapping tests).
# - Cookie 1197596843.… buys T100 anonymously, then T101 logged in as U-9; U-9 buys T102 on
#   another device (cookie 2038811920.…): one customer. T102 was sent twice (same event, every cell
#   equal): one order. T101 refunded in full. 50 + 30 + 20 - 30 = 70, 3 orders.
# - Cookie 772301455.…: T103 15, never logged in, 1 order.   - U-12: T104 40, 1 order.
# Customers 3, orders 5, net 125.00.

METRIKA_CRM = """\
id,client_uniq_id,client_type,create_date_time,update_date_time,finish_date_time,order_status,revenue,cost
A-1,c-100,CONTACT,2024-05-01 10:00:00,2024-05-02 12:00:00,2024-05-02 12:00:00,paid,4500.00,2000.00
A-2,c-101,CONTACT,2024-05-01 11:00:00,2024-05-01 11:30:00,,cancelled,1200.00,500.00
A-3,c-100,CONTACT,2024-05-03 09:00:00,2024-05-03 09:10:00,,pending,3000.00,1500.00
A-4,c-102,CONTACT,2024-05-04 15:00:00,2024-05-05 10:00:00,2024-05-05 10:00:00,paid,800.00,300.00
A-5,c-100,CONTACT,2024-05-06 08:00:00,2024-05-06 18:00:00,2024-05-06 18:00:00,paid,1500.00,600.00
"""
# Yandex Metrica CRM orders upload file (columns as documented for Metrica's orders data import:
# id, client_uniq_id, client_type, create/update/finish_date_time, order_status, revenue, cost).
# client_type is the same for everyone (not a customer key); order_status is the shop's own word.
# - c-100: A-1 4500 + A-5 1500; A-3 pending (open): out. 2 orders.
# - c-101: A-2 cancelled: no customer.   - c-102: A-4 800, 1 order.
# Customers 2, orders 3, net 6800.00.

# --- CRMs ----------------------------------------------------------------------------------------

AMOCRM_PIPELINE = """\ufeffID;Название сделки;Бюджет;Ответственный;Дата создания;Дата закрытия;Этап сделки;Воронка;Полное имя контакта;Мобильный телефон;Рабочий email
20101;Кухня Иванов;250000;Анна Мельник;01.02.2024 10:00;20.02.2024 15:00;Успешно реализовано;Кухни;Иванов Пётр;+7 912 000-00-01;ivanov@a.example
20102;Шкаф Петрова;80000;Анна Мельник;02.02.2024 11:00;;Договор;Кухни;Петрова Ольга;8 912 000 00 02;
20103;Кухня Сидоров;310000;Илья Ким;03.02.2024 12:30;;Замер;Кухни;Сидоров Иван;89120000003;
20104;Гардероб Козлов;120000;Илья Ким;04.02.2024 09:15;;Расчёт стоимости;Кухни;Козлов Антон;+79120000004;kozlov@a.example
20105;Прихожая Иванов;60000;Анна Мельник;05.02.2024 16:40;25.02.2024 11:00;Успешно реализовано;Кухни;Иванов П.;8(912)000-00-01;
20106;Кухня Морозова;200000;Илья Ким;06.02.2024 13:00;;Переговоры;Кухни;Морозова Елена;+7 912 000-00-06;
20107;Кухня Волков;180000;Анна Мельник;07.02.2024 10:20;26.02.2024 17:45;Закрыто и не реализовано;Кухни;Волков Денис;+7 912 000-00-07;
20108;Шкаф Петрова 2;45000;Анна Мельник;08.02.2024 14:00;28.02.2024 12:00;Успешно реализовано;Кухни;Петрова Ольга;+7 (912) 000-00-02;petrova@a.example
20109;Кухня Новикова;150000;Илья Ким;09.02.2024 18:05;;Первичный контакт;Кухни;Новикова Алла;+7 912 000-00-09;
"""
# amoCRM › Сделки › Экспорт of a kitchen-furniture pipeline (UTF-8 BOM, ';'; system stages 142
# «Успешно реализовано» and 143 «Закрыто и не реализовано» as in amoCRM's API docs; the other
# stages are the account's own; column labels reconstructed). Only won deals are revenue: Договор,
# Замер, Расчёт стоимости, Переговоры, Первичный контакт are open, Волков is lost.
# - Иванов: 20101 250000 and 20105 (name spelled «Иванов П.», same phone +79120000001) 60000:
#   2 orders, 310000.
# - Петрова: 20108 45000 (her 20102 Договор is open): 1 order.
# Customers 2, orders 3, net 355 000.00.

BITRIX24_DEALS = """\ufeffID;Название сделки;Стадия сделки;Воронка;Сумма;Валюта;Дата создания;Дата изменения;Предполагаемая дата закрытия;Ответственный;Контакт;Компания;Источник
1;Поставка Альфа;Сделка успешна;Общая;150000,00;RUB;01.03.2024 10:00:00;12.03.2024 16:20:00;15.03.2024;Мария Ли;Иван Смирнов;"ООО ""Альфа""\";Звонок
2;Поставка Бета;Сделка провалена;Общая;90000,00;RUB;02.03.2024 11:15:00;05.03.2024 09:00:00;10.03.2024;Мария Ли;Пётр Орлов;"ООО ""Бета""\";Веб-сайт
3;Поставка Альфа 2;Счёт на предоплату;Общая;70000,00;RUB;04.03.2024 09:30:00;06.03.2024 10:00:00;20.03.2024;Мария Ли;Иван Смирнов;"ООО ""Альфа""\";Звонок
4;Поставка Гамма;В работе;Общая;50000,00;RUB;05.03.2024 14:00:00;05.03.2024 14:00:00;25.03.2024;Олег Тен;Анна Белова;ИП Белова;Веб-сайт
5;Поставка Альфа 3;Сделка успешна;Общая;30000,00;RUB;11.03.2024 12:00:00;18.03.2024 11:30:00;20.03.2024;Мария Ли;Иван Смирнов;"ООО ""Альфа""\";Повторная продажа
6;Поставка Дельта;Новая;Общая;20000,00;RUB;12.03.2024 15:45:00;12.03.2024 15:45:00;31.03.2024;Олег Тен;Олег Ким;"ООО ""Дельта""\";Реклама
7;Поставка Гамма 2;Сделка успешна;Общая;45000,50;RUB;13.03.2024 10:10:00;22.03.2024 13:00:00;22.03.2024;Олег Тен;Анна Белова;ИП Белова;Веб-сайт
8;Поставка Эпсилон;Подготовка документов;Общая;10000,00;RUB;14.03.2024 17:00:00;15.03.2024 09:00:00;29.03.2024;Олег Тен;Олег Ким;"ООО ""Дельта""\";Реклама
"""
# Bitrix24 CRM › Сделки › Экспорт CSV (UTF-8 BOM, ';'; default stages Новая, Подготовка
# документов, Счёт на предоплату, В работе, Сделка успешна, Сделка провалена as in Bitrix24's docs;
# labels ◐ from the research notes). Only «Сделка успешна» is revenue; «Сделка провалена» is lost,
# every other stage open. Контакт and Компания go together; Ответственный is the manager (a name
# shared by many customers, never the customer).
# - Иван Смирнов / ООО «Альфа»: deals 1 (150000) and 5 (30000); 3 is open. 2 orders, 180000.
# - Анна Белова / ИП Белова: 7 (45000.50); 4 is open. 1 order.
# - Пётр Орлов lost; Олег Ким only open deals: no customers.
# Customers 2, orders 3, net 225 000.50.

# --- Salons, shops' tills, accounting -----------------------------------------------------------

YCLIENTS = """\ufeffID записи;Дата;Время;Клиент;Телефон;Сотрудник;Услуги;Сумма;Статус
501;02.03.2024;10:00;Анна;+79161112233;Ольга Ветрова;Стрижка женская;2500;Пришел
502;02.03.2024;12:00;Ирина;+79162223344;Ольга Ветрова;Окрашивание;6000;Пришел
503;09.03.2024;11:00;Анна Петрова;79161112233;Екатерина Лис;Маникюр;1800;Пришел
504;10.03.2024;15:00;Ирина;+79162223344;Ольга Ветрова;Стрижка женская;2500;Не пришел
505;16.03.2024;10:00;Анна;+7 916 111-22-33;Ольга Ветрова;Стрижка женская;2500;Пришел
506;16.03.2024;18:00;Вера;+79165556677;Екатерина Лис;Маникюр;1800;Пришел
"""
# YCLIENTS (beauty salon) records list saved from Excel (visit statuses Пришел / Не пришел as in
# YCLIENTS' help on visit statuses; the column set is reconstructed). Date and time in two columns.
# A no-show (Не пришел) is not a sale.
# - Анна (+79161112233; «Анна Петрова» in 503, +7 916 111-22-33 in 505): 2500 + 1800 + 2500, 3.
# - Ирина: 502 6000; 504 no-show: out. 1 order.   - Вера: 1800, 1 order.
# Customers 3, orders 5, net 14 600.00.

MOYSKLAD_RETAIL = """\
№;Время;Точка продаж;Контрагент;Сумма;Комментарий
00101;01.03.2024 10:12;Магазин на Ленина;Розничный покупатель;450,00;
00102;01.03.2024 11:40;Магазин на Ленина;Смирнова Татьяна;1 200,00;карта лояльности
00103;02.03.2024 09:05;Магазин на Ленина;Розничный покупатель;300,00;
00104;03.03.2024 17:20;Магазин на Ленина;Смирнова Татьяна;800,00;
00105;03.03.2024 18:00;Магазин на Ленина;Орлов Максим;2 000,00;
00106;04.03.2024 12:00;Магазин на Ленина;Розничный покупатель;150,00;
"""
# МойСклад › Розница › Продажи, list exported (column set reconstructed). Anonymous till sales go
# to МойСклад's default counterparty «Розничный покупатель», a placeholder: those rows carry no
# customer and are skipped.
# - Смирнова Татьяна: 1200 + 800, 2 orders.   - Орлов Максим: 2000, 1 order.
# Customers 2, orders 3, net 4000.00.

EVOTOR = """\
Дата;Номер чека;Тип;Смена;Сумма;Способ оплаты;Телефон покупателя;Email покупателя
01.03.2024 09:15;1;Продажа;12;350,00;Наличные;;
01.03.2024 09:40;2;Продажа;12;1 250,00;Карта;+79031110000;
01.03.2024 12:05;3;Продажа;12;540,00;Карта;;ivan@evo.example
02.03.2024 10:10;1;Продажа;13;300,00;Наличные;;ivan@evo.example
02.03.2024 10:30;2;Продажа;13;800,00;Карта;;olga@evo.example
02.03.2024 11:00;3;Продажа;13;800,00;Карта;8 903 111-00-00;
02.03.2024 11:20;4;Возврат;13;-250,00;Карта;+7 903 111 00 00;
"""
# Evotor (Эвотор) receipts from the web cabinet (column set reconstructed). Receipt numbers restart
# every shift, so a number is shared by different customers' receipts: not an order id (each row
# is a purchase). The buyer's phone or e-mail is there only when the receipt was sent to them.
# - Row 1: no phone, no e-mail: skipped (no customer).
# - +79031110000: 1250 + 800 - 250 (Возврат, negative) = 1800, 2 orders.
# - ivan@: 540 + 300, 2 orders.   - olga@: 800, 1 order.
# Customers 3, orders 5, net 3440.00.

ONE_C_REALIZATION = """\
Реализация товаров и услуг\r
Период: 01.03.2024 - 31.03.2024\r
\r
Документ;Контрагент;Номенклатура;Количество;Сумма\r
Реализация товаров 00001 от 12.03.2024 10:15:00;"ООО ""Север""\";Бумага А4;10;2\u00a0500,00\r
Реализация товаров 00001 от 12.03.2024 10:15:00;"ООО ""Север""\";Картридж;2;7\u00a0000,00\r
Реализация товаров 00002 от 14.03.2024 9:00:00;ИП Кравцов;Бумага А4;4;1\u00a0000,00\r
Реализация товаров 00003 от 20.03.2024 16:40:12;"ООО ""Север""\";Бумага А4;20;5\u00a0000,00\r
Возврат товаров от клиента 00001 от 22.03.2024 11:00:00;ИП Кравцов;Бумага А4;-1;-250,00\r
Итого;;;35;15\u00a0250,00\r
"""
# 1C «Реализация товаров и услуг» lines saved as CSV (cp1251, ';', CRLF, NBSP thousands, title
# lines, an Итого row). No column holds dates: the date is inside the document title, which is
# also the order id (one document = one order; its lines' amounts differ, so they are summed).
# - ООО «Север»: 00001 = 2500 + 7000 = 9500, 00003 = 5000. 2 orders, 14 500.
# - ИП Кравцов: 00002 = 1000, returned 250 (negative return document): 750, 1 order.
# Customers 2, orders 3, net 15 250.00.

# --- Hand-kept sheets and plain transaction logs ------------------------------------------------

SHEET_CLIENTS_PHONES = """\
Дата,Клиент,Телефон,Услуга,Сумма
05.03.2024,Елена,+7 (916) 555-12-34,Маникюр,1500
12.03.2024,елена зайцева,89165551234,Педикюр,2000
19.03.2024,Елена Зайцева,8 916 555 12 34,Маникюр,1500
20.03.2024,Елена,+7 903 000-11-22,Стрижка,1200
21.03.2024,Ольга,9031234567,Окрашивание,4500
28.03.2024,Ольга К.,+7 903 123-45-67,Стрижка,1200
30.03.2024,Марина,,Маникюр,1500
"""
# A Google Sheets journal kept by hand (File › Download › CSV). Names spelled as the day went;
# the phone is the key, written four ways. Six spellings of names (five case-folded), four people:
# - +79165551234 («Елена», «елена зайцева», «Елена Зайцева»): 1500 + 2000 + 1500, 3 orders.
# - +79030001122: another «Елена» (never linked by name): 1200, 1 order.
# - +79031234567 («Ольга», «Ольга К.»): 4500 + 1200, 2 orders.
# - «Марина», no phone: keyed by her name: 1500, 1 order.
# Customers 4, orders 7, net 13 400.00.

SHEET_MIXED_RUB = """\ufeffДата;Имя;Телефон;Сумма;Комментарий
03.04.2024;Света;+7 926 100-20-30;2 500 ₽;
04.04.2024;Дима;89267778899;1500;
10.04.2024;Света;8 926 100 20 30;3 000 руб.;
11.04.2024;Коля;;700,50;наличные
15.04.2024;Дима;+7 926 777-88-99;1 200 ₽;
18.04.2024;Света;9261002030;2500;перевод
"""
# A hand-kept sheet saved as «CSV UTF-8» from Excel: some amounts carry ₽ or руб., others are plain
# numbers. One currency stated in the file (RUB) is the currency of every row.
# - Света (+79261002030): 2500 + 3000 + 2500, 3 orders.
# - Дима (+79267778899): 1500 + 1200, 2 orders.   - Коля (no phone, by name): 700.50, 1 order.
# Customers 3, orders 6, net 11 400.50.

SHEET_CERAMICS_JOURNAL = """\
Журнал продаж — студия керамики «Глина»,,,,,
Дата,Клиент,Телефон,Email,Что купили,Сумма
02.02.2024,Алиса,+7 915 000-11-22,,Мастер-класс,3 000
10.02.2024,Борис,,boris@ker.example,Кружка,1 200
Итого за февраль,,,,,4 200
,,,,,
Дата,Клиент,Телефон,Email,Что купили,Сумма
03.03.2024,Алиса Н.,89150001122,alisa@ker.example,Мастер-класс,3 000
15.03.2024,Борис,+7 916 222-33-44,BORIS@ker.example,Тарелка,1 800
20.03.2024,гость,-,-,Кружка,1 200
Итого за март,,,,,6 000
"""
# A Google Sheets journal with monthly blocks pasted one under another: a title line, Итого rows,
# a blank row, the header repeated. A walk-in is written «гость» with «-» for phone and e-mail:
# placeholders, so that row has no customer and is skipped.
# - Алиса (+79150001122; in March also alisa@ker.example): 3000 + 3000, 2 orders.
# - Борис (boris@ker.example; in March the same e-mail in capitals and a phone): 1200 + 1800, 2.
# Customers 2, orders 4, net 9000.00.

TRANSACTIONS = """\
customer_id,date,number_of_items,amount
1,2024-01-03,1,29.99
2,2024-01-03,1,29.99
3,2024-01-04,1,15.00
1,2024-01-10,1,29.99
1,2024-01-10,1,29.99
4,2024-01-11,1,15.00
2,2024-01-15,1,9.50
5,2024-01-15,1,29.99
"""
# A plain transaction log (the CDNOW-style customer_id, date, number_of_items, amount). No order
# id: number_of_items is a count (1 for nearly everyone), so every row is a purchase, and the two
# identical rows of customer 1 on 10 January are two purchases.
# - 1: 29.99 × 3, 3 orders.   - 2: 29.99 + 9.50, 2.   - 3: 15.00.   - 4: 15.00.   - 5: 29.99.
# Customers 5, orders 8, net 29.99 × 5 + 15 × 2 + 9.50 = 189.45.

TRANSACTIONS_RU = """\
Дата;Покупатель;Кол-во;Сумма\r
01.02.2024;Иванова Мария;1;350,00\r
01.02.2024;Петров Олег;1;350,00\r
02.02.2024;Сидорова Анна;1;120,00\r
02.02.2024;Иванова Мария;1;350,00\r
02.02.2024;Иванова Мария;1;350,00\r
03.02.2024;Петров Олег;2;700,00\r
04.02.2024;Кузнецов Илья;1;120,00\r
"""
# The same log kept in Russian Excel (cp1251, ';', CRLF); customers only by name. Кол-во is a count,
# never the order id: every row is a purchase, the two identical rows of 2 Feb are two.
# - Иванова Мария: 350 × 3, 3 orders.   - Петров Олег: 350 + 700, 2.
# - Сидорова Анна: 120.   - Кузнецов Илья: 120.
# Customers 4, orders 7, net 2340.00.

# --- Files that cannot give LTV: a clear refusal -------------------------------------------------

OZON = """\
Номер заказа;Номер отправления;Принят в обработку;Дата отгрузки;Статус;Дата доставки;Сумма отправления;Код валюты отправления;Наименование товара;OZON id;Артикул;Итоговая стоимость товара;Количество;Оплачено покупателем;Код валюты покупателя;Город доставки;Способ доставки
0151234567-0001;0151234567-0001-1;2024-03-15 10:22:33;2024-03-16 09:00:00;Доставлен;2024-03-19 14:10:00;1234.50;RUB;Чайник электрический;812345678;KET-1;1234.50;1;1234.50;RUB;Казань;Ozon Логистика
0151234999-0002;0151234999-0002-1;2024-03-15 12:01:02;2024-03-16 09:00:00;Доставлен;2024-03-18 11:00:00;590.00;RUB;Кружка;812349999;MUG-2;590.00;2;590.00;RUB;Москва;Ozon Логистика
0151235555-0001;0151235555-0001-1;2024-03-16 08:45:10;;Отменён;;990.00;RUB;Заварник;812350000;TEA-3;990.00;1;990.00;RUB;Пермь;Ozon Логистика
0151236666-0003;0151236666-0003-1;2024-03-17 19:20:00;2024-03-18 09:00:00;Доставлен;2024-03-21 16:30:00;1234.50;RUB;Чайник электрический;812345678;KET-1;1234.50;1;1234.50;RUB;Казань;Ozon Логистика
"""
# Ozon seller postings report (FBS), columns ◐ from the research notes: no buyer at all, so
# no customer-level LTV. Expected: a one-line refusal saying so (not a product, city or posting
# number taken for the customer).

WILDBERRIES = """\
№;Номер поставки;Предмет;Код номенклатуры;Бренд;Артикул поставщика;Название;Размер;Баркод;Тип документа;Обоснование для оплаты;Дата заказа покупателем;Дата продажи;Кол-во;Цена розничная;Вайлдберриз реализовал Товар (Пр);Согласованный продуктовый дисконт, %;Цена розничная с учетом согласованной скидки;К перечислению Продавцу за реализованный Товар;Количество доставок;Количество возврата;Услуги по доставке товара покупателю;Srid
1;17001234;Футболки;145678901;NoName;TS-BLK-M;Футболка чёрная;M;2039876543210;Продажа;Продажа;2024-03-10;2024-03-14;1;1990;1492,5;25;1492,5;1268,6;1;0;0;56395529572124724.0.0
2;17001234;Футболки;145678901;NoName;TS-BLK-M;Футболка чёрная;M;2039876543210;;Логистика;2024-03-10;2024-03-14;0;0;0;0;0;0;1;0;50;56395529572124724.0.0
3;17001234;Футболки;145678902;NoName;TS-BLK-L;Футболка чёрная;L;2039876543227;Продажа;Продажа;2024-03-11;2024-03-15;1;1990;1492,5;25;1492,5;1268,6;1;0;0;61200033981230011.0.0
4;17001234;Футболки;145678902;NoName;TS-BLK-L;Футболка чёрная;L;2039876543227;Возврат;Возврат;2024-03-11;2024-03-20;1;1990;1492,5;25;1492,5;1268,6;0;1;0;61200033981230011.0.0
"""
# Wildberries «Детализация отчёта о реализации» (a subset of its verified columns): operations, not
# buyers. Srid identifies an order, never a person. Expected: the same refusal as Ozon.

SUMMARY_EN = """\
customer_id,total_orders,total_spent,first_purchase,last_purchase
C001,5,412.50,2023-01-14,2024-03-02
C002,1,39.90,2023-06-30,2023-06-30
C003,3,150.00,2023-02-11,2024-01-19
C004,2,80.25,2023-09-05,2023-12-24
"""

SUMMARY_RU = """\
Клиент;Количество заказов;Сумма покупок\r
Иванова Мария;4;12 400,00\r
Петров Олег;1;2 300,00\r
Сидорова Анна;7;31 050,00\r
Итого;12;45 750,00\r
"""

SHOPIFY_CUSTOMERS = """\
Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags
7001234567890,Anna,Petrova,anna@shop.example,yes,,1 Main St,,Boston,MA,US,02118,+16175550101,+16175550101,no,250.00,3,,no,VIP
7001234567891,Bob,Stone,bob@shop.example,no,,9 Elm St,Apt 4,Denver,CO,US,80202,,,no,40.00,1,,no,
7001234567892,Cy,Park,cy@shop.example,yes,Park LLC,5 Oak Ave,,Austin,TX,US,78701,+15125550123,,no,0.00,0,,no,
"""
# Shopify Customers › Export (header verbatim from public importers): one row per customer with
# Total Spent / Total Orders and no order dates at all. SUMMARY_EN and SUMMARY_RU are the same
# kind of file (first/last purchase dates are per customer, not per order). Expected for all three:
# exit 1 and a one-line error that the file has one row per customer.


CASES = {
    "shopify.csv": (SHOPIFY, "utf-8", (3, 4, 112050)),
    "woocommerce.csv": (WOOCOMMERCE, "utf-8", (2, 3, 4500)),
    "stripe.csv": (STRIPE, "utf-8", (3, 4, 121000)),
    "paypal_de.csv": (PAYPAL_DE, "utf-8", (2, 2, 125000)),
    "square.csv": (SQUARE, "utf-8", (2, 2, 127330)),
    "magento.csv": (MAGENTO, "utf-8", (2, 3, 128450)),
    "1c_report.csv": (ONE_C, "cp1251", (2, 2, 123640000)),
    "bitrix.csv": (BITRIX, "cp1251", (2, 2, 1334500)),
    "amocrm.csv": (AMOCRM, "utf-8", (1, 2, 46500000)),
    "retailcrm.csv": (RETAILCRM, "utf-8", (2, 3, 300050)),
    "cloudpayments.csv": (CLOUDPAYMENTS, "utf-8", (2, 2, 110000)),
    "bigcommerce.csv": (BIGCOMMERCE, "utf-8", (3, 4, 8540)),
    "etsy_sold_orders.csv": (ETSY, "utf-8", (3, 5, 14400)),
    "amazon_orders.txt": (AMAZON, "utf-8", (3, 4, 9392)),
    "woocommerce_analytics.csv": (WOO_ANALYTICS, "utf-8", (3, 4, 5250)),
    "insales.csv": (INSALES, "cp1251", (2, 3, 706500)),
    "tinkoff_acquiring.csv": (TINKOFF, "utf-8", (2, 4, 479000)),
    "robokassa.csv": (ROBOKASSA, "utf-8", (3, 4, 547000)),
    "yookassa_registry.csv": (YOOKASSA_REGISTRY, "utf-8", (2, 4, 275000)),
    "ga4_bigquery.csv": (GA4, "utf-8", (3, 5, 12500)),
    "metrika_crm_orders.csv": (METRIKA_CRM, "utf-8", (2, 3, 680000)),
    "amocrm_pipeline.csv": (AMOCRM_PIPELINE, "utf-8", (2, 3, 35500000)),
    "bitrix24_deals.csv": (BITRIX24_DEALS, "utf-8", (2, 3, 22500050)),
    "yclients.csv": (YCLIENTS, "utf-8", (3, 5, 1460000)),
    "moysklad_retail.csv": (MOYSKLAD_RETAIL, "utf-8", (2, 3, 400000)),
    "evotor.csv": (EVOTOR, "utf-8", (3, 5, 344000)),
    "1c_realization.csv": (ONE_C_REALIZATION, "cp1251", (2, 3, 1525000)),
    "sheet_clients_phones.csv": (SHEET_CLIENTS_PHONES, "utf-8", (4, 7, 1340000)),
    "sheet_mixed_rub.csv": (SHEET_MIXED_RUB, "utf-8", (3, 6, 1140050)),
    "sheet_ceramics_journal.csv": (SHEET_CERAMICS_JOURNAL, "utf-8", (2, 4, 900000)),
    "transactions.csv": (TRANSACTIONS, "utf-8", (5, 8, 18945)),
    "transactions_ru.csv": (TRANSACTIONS_RU, "cp1251", (4, 7, 234000)),
}

# Files that cannot give LTV: name -> (text, encoding, words one of which the refusal must say).
REFUSED = {
    "ozon_postings.csv": (OZON, "utf-8", ("no customer", "no buyer")),
    "wildberries_realization.csv": (WILDBERRIES, "utf-8", ("no customer", "no buyer")),
    "customers_summary.csv": (SUMMARY_EN, "utf-8", ("one row per customer",)),
    "клиенты_итоги.csv": (SUMMARY_RU, "cp1251", ("one row per customer",)),
    "shopify_customers_export.csv": (SHOPIFY_CUSTOMERS, "utf-8", ("one row per customer",)),
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
