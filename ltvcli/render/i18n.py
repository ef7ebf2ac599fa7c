"""The words and number formats of ltv's output for people, in English and Russian.

Shared by the report and the terminal tables. Numbers, money, percentages, dates and plural
forms come from Babel (CLDR): ``1,234,567.50`` / ``1 234 567,50 ₽``, ``12.5%`` / ``12,5 %``,
dates ISO in English and ``30.12.2024`` in Russian, ``1 клиент``, ``74 клиента``, ``5 клиентов``.
Money is shown in roubles (``₽``) when the data is in roubles, or when the language is Russian and
the data names no currency. A Russian label or value missing here falls back to the English one.
"""

from __future__ import annotations

import datetime as dt
import locale
import os
import re
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, cast

from ltvcli.fields import FIELD_WORDS
from ltvcli.messages import Message, translate

if TYPE_CHECKING:
    import pandas as pd
    from babel import Locale
    from babel.numbers import NumberPattern

LANGUAGES = ("en", "ru")
# English keeps its own symbols (``$1,234.50``, ``1,234.50 CHF``); Russian takes CLDR's.
SYMBOLS = {"RUB": "₽", "USD": "$", "EUR": "€", "GBP": "£", "UAH": "₴", "KZT": "₸", "JPY": "¥", "INR": "₹", "TRY": "₺"}  # fmt: skip
DEFAULT_CURRENCY = {"ru": "RUB"}  # when the data names none
NBSP = "\u00a0"

TEXT = {
    "en": {
        "title": "Customer lifetime value report",
        "as_of": "As of",
        "generated": "Generated",
        "headline": "Headline",
        "ltv_distribution": "How much customers are worth",
        "ltv_percentiles": "Historical LTV percentiles",
        "segments": "By segment",
        "ltv_by_segment": "Historical LTV per customer",
        "repeat_by_segment": "Repeat-customer rate",
        "ratio_by_segment": "LTV:CAC (line: 3, healthy)",
        "cohorts": "Acquisition cohorts",
        "retention": "Cohort retention",
        "retention_heatmap": "Share of the cohort active in each later period",
        "ltv_curves": "Cumulative LTV per customer by cohort (dashed: CAC)",
        "intervals": "When customers come back",
        "return_curve": "Share of customers back for a 2nd order, by days since the first",
        "products": "Products",
        "repurchase_curves": "Share who bought it again, by days since a purchase of it",
        "journey": "What the second order holds, given the first",
        "trend": "Monthly trend",
        "monthly_trend": "Net revenue (bars) and active customers (line) per month",
        "call_list": "Good customers slipping away",
        "call_list_intro": "{n} customers are at risk; the most valuable of them, to call first:",
        "predictions": "Predictions",
        "predicted": "Predicted",
        "model": "Model",
        "holdout": "Holdout check",
        "forecast": "Forecast by month",
        "tracking_cumulative": "Repeat purchases so far: actual and expected (dotted line: the calibration's end)",
        "tracking_weekly": "Repeat purchases per week: actual and expected",
        "holdout_by_purchases": "Holdout purchases per customer, by calibration purchases",
        "p_alive_matrix": "P(alive) by repeat purchases and the time of the last one",
        "actual": "actual",
        "expected": "expected",
        "purchases_axis": "purchases",
        "calibration_purchases_axis": "repeat purchases in calibration",
        "holdout_purchases_axis": "purchases in the holdout, mean",
        "repeat_purchases_axis": "repeat purchases",
        "last_purchase_axis": "the last purchase, days after the first",
        "newcomers": "What a new customer is worth, by acquisition channel",
        "New customers' value": "New customers' value",
        "forecast_chart": "The existing customers' expected revenue per month, with its bounds",
        "data_quality": "Data quality",
        "rows_read": "Rows read: {n}.",
        "skipped": "Rows skipped and why",
        "detected": "Detected columns",
        "definitions": "Definitions",
        "definitions_intro": "Every number is defined once; the full list is docs/metrics.md.",
        "segments_by": "Segments by {keys}. Attributes from each customer's first order.",
        "cohorts_by": "Cohorts by {period}. Empty cells are not observable yet.",
        "verdict_none": "No acquisition cost given (--cac or --spend): LTV:CAC is unknown.",
        "healthy": "LTV:CAC is {ratio}: acquisition pays off.",
        "barely pays": "LTV:CAC is {ratio}: acquisition barely pays off.",
        "loses money": "LTV:CAC is {ratio}: every new customer loses money.",
        "trustworthy": "The model predicted the holdout well: its forecasts can be used for this data.",
        "usable with care": "The model is roughly right in total but misses some groups: use its forecasts with care.",
        "not reliable": "The model did not predict the holdout: do not rely on its forecasts for this data.",
        "total": "Total",
        "hidden_columns": "{n} hidden ({names}): {ways} or -o FILE.xlsx show every column",
        "first_rows": "first {shown} of {rows} rows; -f csv or -o FILE for all",
        "versus": "change vs {date}",
        "points": "pp",
        "days": "days",
        "customers_axis": "customers",
        # ltv inspect
        "file": "File: {file}",
        "format": "format",
        "layout": "layout",
        "encoding": "encoding",
        "delimiter": "delimiter",
        "decimal_mark": "decimal mark",
        "header_row": "header row",
        "sheet": "sheet",
        "date_shapes": "date shapes",
        "date_order": "date order",
        "files": "files",
        "ignored": "ignored",
        "tab": "tab",
        "space": "space",
        "columns": "Columns",
        "field": "field",
        "column": "column",
        "why": "why",
        "identifiers": "Customer identifiers, strongest first",
        "holds": "holds",
        "rows_keyed": "rows keyed by it",
        "id": "ids",
        "email": "e-mails",
        "phone": "phones",
        "name": "names (no other key)",
        "not_settled": "not settled: {error}",
        "rows": "Rows",
        "read": "read",
        "skipped_because": "skipped: {reason}",
        "orders": "orders",
        "refund_rows": "refund rows",
        "customers": "customers",
        "merged": "  merged through a shared id, e-mail or phone",
        "placeholders": "  {slot} values shared too widely to link (placeholders)",
        "currencies": "currencies",
        "not_stated": "not stated",
        "date_range": "date range",
        "unsure": "unsure: {text}",
        "note": "note: {text}",
    },
    "ru": {
        "title": "Отчёт о пожизненной ценности клиентов (LTV)",
        "as_of": "На дату",
        "generated": "Создан",
        "headline": "Главное",
        "ltv_distribution": "Сколько стоят клиенты",
        "ltv_percentiles": "Перцентили исторического LTV",
        "segments": "По сегментам",
        "ltv_by_segment": "Исторический LTV на клиента",
        "repeat_by_segment": "Доля повторных клиентов",
        "ratio_by_segment": "LTV:CAC (линия: 3, норма)",
        "cohorts": "Когорты привлечения",
        "retention": "Удержание когорт",
        "retention_heatmap": "Доля когорты, покупавшей в каждом следующем периоде",
        "ltv_curves": "Накопленный LTV на клиента по когортам (пунктир: CAC)",
        "intervals": "Когда клиенты возвращаются",
        "products": "Товары",
        "repurchase_curves": "Доля купивших снова, по дням после покупки",
        "journey": "Что во втором заказе после первого",
        "return_curve": "Доля вернувшихся за второй покупкой, по дням после первой",
        "trend": "Помесячная динамика",
        "monthly_trend": "Чистая выручка (столбцы) и активные клиенты (линия) по месяцам",
        "call_list": "Хорошие клиенты, которых мы теряем",
        "call_list_intro": "Под угрозой ухода {customers}; самые ценные из них, кому позвонить первым:",
        "predictions": "Прогноз",
        "predicted": "Прогноз",
        "model": "Модель",
        "holdout": "Проверка на отложенных данных",
        "forecast": "Прогноз по месяцам",
        "tracking_cumulative": "Повторные покупки нарастающим итогом: факт и модель (пунктир — конец калибровки)",
        "tracking_weekly": "Повторные покупки по неделям: факт и модель",
        "holdout_by_purchases": "Покупки на клиента в отложенном периоде по числу покупок в калибровке",
        "p_alive_matrix": "Вероятность активности по числу повторных покупок и времени последней",
        "actual": "факт",
        "expected": "модель",
        "purchases_axis": "покупки",
        "calibration_purchases_axis": "повторные покупки в калибровке",
        "holdout_purchases_axis": "покупки в отложенном периоде, среднее",
        "repeat_purchases_axis": "повторные покупки",
        "last_purchase_axis": "последняя покупка, дней после первой",
        "newcomers": "Сколько стоит новый клиент, по каналам привлечения",
        "New customers' value": "Ценность нового клиента",
        "forecast_chart": "Ожидаемая выручка нынешних клиентов по месяцам, с границами",
        "data_quality": "Качество данных",
        "rows_read": "Прочитано строк: {n}.",
        "skipped": "Пропущенные строки и причины",
        "detected": "Распознанные столбцы",
        "definitions": "Определения",
        "definitions_intro": "Каждое число определено один раз; полный список — docs/metrics.md.",
        "segments_by": "Сегменты по признаку {keys}. Признаки берутся из первой покупки клиента.",
        "segments_by_many": "Сегменты по признакам {keys}. Признаки берутся из первой покупки клиента.",
        "cohorts_by": "Когорты по периоду: {period}. Пустые ячейки ещё не наблюдаемы.",
        "verdict_none": "Стоимость привлечения не задана (--cac или --spend): LTV:CAC неизвестен.",
        "healthy": "LTV:CAC = {ratio}: привлечение окупается.",
        "barely pays": "LTV:CAC = {ratio}: привлечение едва окупается.",
        "loses money": "LTV:CAC = {ratio}: каждый новый клиент приносит убыток.",
        "trustworthy": "Модель хорошо предсказала отложенный период: прогнозам для этих данных можно доверять.",
        "usable with care": "Модель верна в целом, но ошибается для некоторых групп: пользуйтесь прогнозом осторожно.",
        "not reliable": "Модель не предсказала отложенный период: не полагайтесь на её прогноз для этих данных.",
        "total": "Итого",
        "Metric": "Показатель",
        "Value": "Значение",
        "Customer lifetime value": "Пожизненная ценность клиентов",
        "Customers": "Клиенты",
        "Model": "Модель",
        "Segments": "Сегменты",
        "Products": "Товары",
        "Drivers": "Что приводит ценных клиентов",
        "Second order, given the first": "Второй заказ после первого",
        "First three orders": "Первые три заказа",
        "Repeat-purchase intervals": "Интервалы между покупками",
        "Cohorts by week": "Когорты по неделям",
        "Cohorts by month": "Когорты по месяцам",
        "Cohorts by quarter": "Когорты по кварталам",
        "Cohorts by year": "Когорты по годам",
        "Trend by week": "Динамика по неделям",
        "Trend by month": "Динамика по месяцам",
        "Forecast by week": "Прогноз по неделям",
        "Forecast by month": "Прогноз по месяцам",
        "Forecast by quarter": "Прогноз по кварталам",
        "Forecast by year": "Прогноз по годам",
        "Trend by quarter": "Динамика по кварталам",
        "Trend by year": "Динамика по годам",
        "Predictions": "Прогноз",
        "Holdout check": "Проверка на отложенных данных",
        "hidden_columns": "ещё {n} ({names}); все столбцы: {ways} или -o ФАЙЛ.xlsx",
        "first_rows": "первые {shown} из {rows} строк; все: -f csv или -o ФАЙЛ",
        "versus": "изменение к {date}",
        "points": "п. п.",
        "days": "дней",
        "customers_axis": "клиентов",
        # ltv inspect
        "file": "Файл: {file}",
        "format": "формат",
        "layout": "вид",
        "encoding": "кодировка",
        "delimiter": "разделитель",
        "decimal_mark": "десятичный знак",
        "header_row": "строка заголовка",
        "sheet": "лист",
        "date_shapes": "виды дат",
        "date_order": "порядок в датах",
        "files": "файлы",
        "ignored": "пропущены",
        "tab": "табуляция",
        "space": "пробел",
        "columns": "Столбцы",
        "field": "поле",
        "column": "столбец",
        "why": "почему",
        "identifiers": "Ключи клиента, от сильного к слабому",
        "holds": "содержит",
        "rows_keyed": "строк с этим ключом",
        "id": "идентификаторы",
        "email": "эл. адреса",
        "phone": "телефоны",
        "name": "имена (нет другого ключа)",
        "not_settled": "не определено: {error}",
        "rows": "Строки",
        "read": "прочитано",
        "skipped_because": "пропущено: {reason}",
        "orders": "заказов",
        "refund_rows": "строк возвратов",
        "customers": "клиентов",
        "merged": "  объединено по общему id, эл. адресу или телефону",
        "placeholders": "  значения «{slot}», слишком общие для связи (заглушки)",
        "currencies": "валюты",
        "not_stated": "не указаны",
        "date_range": "период",
        "unsure": "не уверен: {text}",
        "note": "примечание: {text}",
    },
}

# Nouns counted in sentences, by CLDR plural category (``Locale.plural_form``).
PLURALS = {
    "en": {
        "customers": {"one": "customer", "other": "customers"},
        "rows": {"one": "row", "other": "rows"},
        "days": {"one": "day", "other": "days"},
        "orders": {"one": "order", "other": "orders"},
        "charts": {"one": "chart", "other": "charts"},
        "columns": {"one": "column", "other": "columns"},
    },
    "ru": {
        "customers": {"one": "клиент", "few": "клиента", "many": "клиентов", "other": "клиента"},
        "rows": {"one": "строка", "few": "строки", "many": "строк", "other": "строки"},
        "days": {"one": "день", "few": "дня", "many": "дней", "other": "дня"},
        "orders": {"one": "заказ", "few": "заказа", "many": "заказов", "other": "заказа"},
        "columns": {"one": "столбец", "few": "столбца", "many": "столбцов", "other": "столбца"},
        "charts": {"one": "график", "few": "графика", "many": "графиков", "other": "графика"},
    },
}

# Column labels by column key: every metric of ltvcli.metrics, segments, customers, intervals,
# cohorts, predictions and the holdout check, and the report's own tables.
LABELS_RU = {
    "currency": "Валюта", "customers": "Клиенты", "new_customers": "Новые клиенты",
    "orders": "Заказы", "gross_revenue": "Выручка", "refunds": "Возвраты",
    "net_revenue": "Чистая выручка", "margin": "Маржа", "aov": "Средний чек",
    "purchase_frequency": "Покупок в год", "repeat_rate": "Доля повторных клиентов",
    "median_days_to_second_order": "Медиана дней до 2-й покупки", "churn_rate": "Отток",
    "retention_rate": "Удержание", "lifespan_years": "Срок жизни, лет",
    "lifespan_basis": "Срок жизни: откуда",
    "ltv_historical": "Исторический LTV (среднее)", "ltv_historical_median": "Исторический LTV (медиана)",
    "ltv_historical_margin": "Исторический LTV по марже", "ltv_formula": "LTV по формуле",
    "ltv_formula_margin": "LTV по формуле (маржа)", "spend": "Маркетинговые расходы",
    "customers_acquired": "Привлечено клиентов", "cac": "CAC", "ltv_basis": "LTV для LTV:CAC",
    "ltv_cac_ratio": "LTV:CAC", "verdict": "Вывод", "payback_months": "Окупаемость, мес.",
    "first_order": "Первый заказ", "last_order": "Последний заказ", "as_of": "На дату",
    # segments
    "confidence": "Достоверность", "customer_share": "Доля клиентов", "revenue_share": "Доля выручки",
    "orders_per_customer": "Заказов на клиента", "repeat_rate_low": "Доля повторных, нижняя граница",
    "repeat_rate_high": "Доля повторных, верхняя граница",
    "ltv_historical_low": "Исторический LTV, нижняя граница",
    "ltv_historical_high": "Исторический LTV, верхняя граница",
    "median_interval_days": "Медиана дней между заказами",
    "at_risk_share": "Доля под угрозой", "nps": "NPS",
    # customers
    "customer": "Клиент", "cost": "Себестоимость", "recency_days": "Дней без покупок",
    "age_days": "Возраст, дней", "tenure_days": "Срок покупок, дней", "order_days": "Дней с заказами",
    "mean_interval_days": "Средний интервал, дней", "days_to_second_order": "Дней до 2-й покупки",
    "status": "Статус",
    # intervals
    "gaps": "Интервалов", "gap_mean_days": "Средний интервал, дней",
    "gap_p25_days": "Интервал, 25-й перцентиль, дней",
    "gap_median_days": "Медианный интервал, дней",
    "gap_p75_days": "Интервал, 75-й перцентиль, дней",
    "gap_p90_days": "Интервал, 90-й перцентиль, дней",
    "second_order_customers": "Вернулись",
    "second_order_mean_days": "2-я покупка: среднее дней",
    "second_order_median_days": "2-я покупка: медиана дней",
    "second_order_km_median_days": "2-я покупка: медиана дней (с учётом цензурирования)",
    "returned_30d": "Вернулись за 30 дней", "returned_60d": "Вернулись за 60 дней",
    "returned_90d": "Вернулись за 90 дней", "returned_180d": "Вернулись за 180 дней",
    "returned_365d": "Вернулись за 365 дней",
    # cohorts and trend
    "main_category": "Основная категория",
    "cohort": "Когорта", "age": "Возраст", "period": "Период", "active": "Активные",
    "retention": "Удержание", "ltv_cumulative": "Накопленный LTV",
    "ltv_cumulative_margin": "Накопленный LTV по марже", "payback_age": "Окупаемость, периодов",
    "new": "Новые", "returning": "Вернувшиеся",
    # predictions and the holdout check
    "p_alive": "Вероятность активности", "expected_orders": "Ожидаемые заказы",
    "p_alive_low": "Вероятность активности, от", "p_alive_high": "Вероятность активности, до",
    "expected_orders_low": "Ожидаемые заказы, от", "expected_orders_high": "Ожидаемые заказы, до",
    "predicted_ltv_low": "Прогнозный LTV, от", "predicted_ltv_high": "Прогнозный LTV, до",
    "days": "Дней", "repeat_orders": "Повторные заказы",
    "repeat_orders_low": "Повторные заказы, от", "repeat_orders_high": "Повторные заказы, до",
    "revenue": "Выручка", "revenue_low": "Выручка, от", "revenue_high": "Выручка, до",
    "expected_margin": "Маржа", "acquired": "Привлечено клиентов",
    "acquired_orders": "Заказы новых клиентов", "acquired_revenue": "Выручка новых клиентов",
    "total_revenue": "Выручка всего",
    "new_customer_value": "Ценность нового клиента", "max_cac": "Предел CAC на клиента",
    "segment": "Сегмент", "predicted": "Прогноз", "predicted_from_age": "Прогноз с возраста",
    "expected_aov": "Ожидаемый средний чек", "predicted_ltv": "Прогнозный LTV (среднее)",
    "total_ltv": "Полный LTV", "expected_next_order": "Ожидаемый следующий заказ",
    "predicted_ltv_cac_ratio": "Прогнозный LTV:CAC",
    "model": "Модель", "calibration_end": "Конец обучения", "holdout_end": "Конец проверки",
    "actual_orders": "Фактические покупки", "predicted_orders": "Предсказанные покупки",
    "aggregate_error": "Общая ошибка", "mae": "MAE на клиента", "rmse": "RMSE на клиента",
    "bias": "Смещение на клиента", "log_likelihood": "Логарифм правдоподобия",
    "parameter": "Параметр", "value": "Значение", "std_error": "Стандартная ошибка",
    "multiplier": "Множитель",
    # products, journeys, drivers, due dates
    "units": "Штук", "repurchase_rate": "Купили снова", "repurchase_p25_days": "Снова: p25, дней",
    "repurchase_median_days": "Снова: медиана, дней", "repurchase_p75_days": "Снова: p75, дней",
    "due_customers": "Пора напомнить", "first_customers": "Клиенты с ним в 1-м заказе",
    "first_confidence": "1-й заказ: достоверность", "first_repeat_rate": "1-й заказ: повторные",
    "first_repeat_rate_low": "1-й заказ: повторные, от", "first_repeat_rate_high": "1-й заказ: повторные, до",
    "first_ltv_historical": "1-й заказ: LTV", "first_mature_customers": "1-й заказ: клиенты старше года",
    "first_ltv_12m": "1-й заказ: LTV за 12 мес.", "first_ltv_12m_low": "1-й заказ: LTV за 12 мес., от",
    "first_ltv_12m_high": "1-й заказ: LTV за 12 мес., до",
    "mature_customers": "Клиенты старше года", "ltv_12m": "LTV за 12 мес.",
    "ltv_12m_low": "LTV за 12 мес., от", "ltv_12m_high": "LTV за 12 мес., до",
    "ltv_12m_lift": "LTV за 12 мес., отклонение", "repeat_lift": "Повторные, отклонение",
    "attribute": "Признак", "from": "1-й заказ", "to": "2-й заказ", "share": "Доля",
    "path": "Путь", "last_bought": "Последняя покупка", "due": "Пора снова",
    "due_in_days": "Через, дней",
    # the report's own tables
    "p10": "10-й перцентиль", "p25": "25-й перцентиль", "p50": "Медиана",
    "p75": "75-й перцентиль", "p90": "90-й перцентиль", "p99": "99-й перцентиль",
    "reason": "Причина", "rows": "Строк", "file": "Файл", "field": "Поле",
    "column": "Столбец", "key": "Показатель", "formula": "Формула",
    # attributes of customers (ltvcli.fields.ATTRIBUTES)
    "city": "Город", "channel": "Канал", "category": "Категория", "product": "Товар", "sku": "Артикул",
    "name": "Имя", "email": "Эл. почта", "phone": "Телефон",
}  # fmt: skip

# How each metric is computed, in Russian, by metric key (the English is the metric's formula).
FORMULAS_RU = {
    "currency": "ISO-код валюты сумм (пусто, если файл её не называет)",
    "customers": "клиенты хотя бы с одним заказом в окне",
    "new_customers": "клиенты, чей первый заказ не раньше чем за --new-days дней до даты отчёта",
    "orders": "заказы после объединения строк; строки возвратов не заказы",
    "gross_revenue": "сумма заказов",
    "refunds": "сумма возвратов",
    "net_revenue": "выручка − возвраты",
    "margin": "чистая выручка − себестоимость − стоимость обслуживания (пусто, если неизвестна)",
    "aov": "чистая выручка / заказы",
    "purchase_frequency": "заказы за последнее окно оттока / клиенты, заказывавшие в нём / (дней в окне / 365)",
    "repeat_rate": "доля клиентов с 2 и более заказами",
    "median_days_to_second_order": "медиана дней до второй покупки среди вернувшихся (кривую с учётом цензурирования даёт ltv intervals)",
    "churn_rate": "доля клиентов, заказывавших в предпоследнем окне оттока и не заказывавших в последнем",
    "retention_rate": "1 − отток",
    "lifespan_years": "--lifespan, иначе 1 / отток × (дней в окне / 365), не больше --max-lifespan; 1 год, если отток не измерить",
    "lifespan_basis": "--lifespan, по оттоку, по всей базе (сегмент, чей отток не измерить, берёт общий) или допущение (1 год: данных слишком мало, чтобы измерить отток)",
    "ltv_historical": "чистая выручка / клиенты",
    "ltv_historical_median": "медиана чистой выручки на клиента",
    "ltv_historical_margin": "маржа / клиенты",
    "ltv_formula": "средний чек × покупок в год × срок жизни, лет",
    "ltv_formula_margin": "маржа на заказ × покупок в год × срок жизни, лет",
    "spend": "расходы периодов из --spend, попадающих в окно",
    "customers_acquired": "клиенты, чей первый заказ попадает в эти периоды расходов",
    "cac": "--cac или расходы / привлечённые клиенты",
    "ltv_basis": "формула по марже, если маржа известна, иначе формула по выручке; выбирается --ltv-basis",
    "ltv_cac_ratio": "LTV (см. «LTV для LTV:CAC») / CAC",
    "verdict": "окупается (LTV:CAC ≥ 3), едва окупается (1 ≤ LTV:CAC < 3), убыточно (< 1)",
    "payback_months": "CAC / (маржа на заказ × покупок в год / 12); по выручке, если маржа неизвестна",
    "first_order": "дата самого раннего заказа",
    "last_order": "дата самого позднего заказа",
    "as_of": "конец окна наблюдения: --as-of, иначе дата последнего заказа или возврата",
    # segments
    "confidence": "низкая, если в сегменте меньше клиентов, чем small_segment (30), иначе пусто",
    "customer_share": "клиенты сегмента / все клиенты",
    "revenue_share": "чистая выручка сегмента / вся чистая выручка",
    "orders_per_customer": "заказы / клиенты",
    "repeat_rate_low": "нижняя граница 95-процентного интервала Уилсона для доли повторных клиентов",
    "repeat_rate_high": "верхняя граница 95-процентного интервала Уилсона для доли повторных клиентов",
    "ltv_historical_low": "нижняя граница 95-процентного интервала исторического LTV (бутстреп до 500 клиентов, иначе нормальное приближение)",
    "ltv_historical_high": "верхняя граница 95-процентного интервала исторического LTV",
    "median_interval_days": "медиана всех интервалов между соседними днями заказов клиентов сегмента",
    "at_risk_share": "доля клиентов сегмента со статусом «под угрозой»",
    "nps": "% промоутеров (9–10) − % критиков (0–6) среди клиентов с оценкой (файл --customers)",
    # customers
    "customer": "нормализованный ключ клиента (номер, эл. почта или телефон)",
    "cost": "сумма столбца себестоимости или чистая выручка − маржа при --margin; плюс --service-cost × заказы",
    "recency_days": "дата отчёта − последний заказ",
    "age_days": "дата отчёта − первый заказ",
    "tenure_days": "последний заказ − первый заказ",
    "order_days": "число разных дней с заказом",
    "mean_interval_days": "среднее число дней между соседними днями заказов = срок покупок / (дней с заказами − 1)",
    "days_to_second_order": "первый интервал: день второго заказа − день первого",
    "status": "новый / активный / под угрозой / ушёл (см. «Статус»)",
    # intervals
    "gaps": "интервалы между соседними разными днями заказов",
    "gap_mean_days": "средний интервал",
    "gap_p25_days": "25-й перцентиль интервалов",
    "gap_median_days": "медианный интервал",
    "gap_p75_days": "75-й перцентиль интервалов",
    "gap_p90_days": "90-й перцентиль интервалов",
    "second_order_customers": "клиенты со вторым днём заказа",
    "second_order_mean_days": "среднее число дней до второй покупки среди вернувшихся",
    "second_order_median_days": "медиана дней до второй покупки среди вернувшихся",
    "second_order_km_median_days": "день, когда оценка Каплана — Мейера доли вернувшихся достигает 50 % (пусто, если не достигает)",
    "returned_30d": "оценка Каплана — Мейера доли клиентов со вторым заказом в течение 30 дней после первого",
    "returned_60d": "оценка Каплана — Мейера доли клиентов со вторым заказом в течение 60 дней после первого",
    "returned_90d": "оценка Каплана — Мейера доли клиентов со вторым заказом в течение 90 дней после первого",
    "returned_180d": "оценка Каплана — Мейера доли клиентов со вторым заказом в течение 180 дней после первого",
    "returned_365d": "оценка Каплана — Мейера доли клиентов со вторым заказом в течение 365 дней после первого",
    # cohorts and trend
    "cohort": "период первого заказа",
    "age": "периодов от периода когорты (0 — период привлечения)",
    "period": "календарный период ячейки",
    "active": "клиенты когорты с заказом в периоде",
    "retention": "активные / клиенты",
    "ltv_cumulative": "чистая выручка до этого возраста / клиенты",
    "ltv_cumulative_margin": "маржа до этого возраста / клиенты",
    "payback_age": "первый возраст, в котором накопленный LTV (по марже, если известна) достигает CAC",
    "new": "клиенты, чей первый заказ в этом периоде",
    "returning": "активные − новые",
    # predictions and the holdout check
    "p_alive": "вероятность, что клиент всё ещё покупает (не ушёл молча), по модели покупок",
    "p_alive_low": "--interval: нижняя граница вероятности активности с учётом неопределённости параметров",
    "p_alive_high": "--interval: верхняя граница вероятности активности с учётом неопределённости параметров",
    "expected_orders_low": "--interval: нижняя граница ожидаемых заказов с учётом неопределённости параметров (столбец expected_orders_<горизонт>_low)",
    "expected_orders_high": "--interval: верхняя граница того же (столбец expected_orders_<горизонт>_high)",
    "predicted_ltv_low": "--interval: нижняя граница прогнозного LTV с учётом неопределённости параметров обеих моделей (столбец predicted_ltv_<горизонт>_low)",
    "predicted_ltv_high": "--interval: верхняя граница того же (столбец predicted_ltv_<горизонт>_high)",
    "days": "дней периода внутри горизонта",
    "repeat_orders": "ожидаемые дни с покупкой у нынешних клиентов в периоде: Σ E[X(конец)] − E[X(начало)] модели покупок",
    "repeat_orders_low": "нижняя граница --interval того, что купят нынешние клиенты (смоделированные будущие)",
    "repeat_orders_high": "верхняя граница того же",
    "revenue": "ожидаемая выручка нынешних клиентов: Σ ожидаемых покупок × ожидаемый чек (Gamma-Gamma), без дисконтирования",
    "revenue_low": "нижняя граница --interval выручки нынешних клиентов (смоделированные будущие)",
    "revenue_high": "верхняя граница того же",
    "expected_margin": "выручка × доля маржи (--margin или доля маржи в данных)",
    "acquired": "клиенты, привлечённые в периоде с темпом --new-customers",
    "acquired_orders": "их первые заказы плюс повторные покупки, которых модель ждёт от нового клиента",
    "acquired_revenue": "первые заказы × средний первый заказ + повторные покупки × средний чек по всей базе",
    "total_revenue": "выручка + выручка новых клиентов",
    "new_customer_value": "первый заказ + прогнозный LTV клиента без истории по моделям, обученным на клиентах сегмента (на всей базе, если своих повторных клиентов мало), по марже, если она известна (ключ new_customer_value_<горизонт>)",
    "predicted": "--predict: в ячейке прогноз денег (остаток периода даты расчёта или более поздний период): ожидаемые покупки × ожидаемый чек",
    "predicted_from_age": "--predict: первый возраст в строке когорты, где ячейка — прогноз",
    "max_cac": "new_customer_value / --target-ratio (по умолчанию 3): CAC, при котором привлечение окупается с целевым LTV:CAC (ключ max_cac_<горизонт>)",
    "expected_orders": "ожидаемое число дней с покупкой за горизонт (столбец expected_orders_<горизонт>)",
    "expected_aov": "ожидаемый чек следующих заказов по модели Gamma-Gamma (собственный средний чек клиента, если модели трат нет)",
    "predicted_ltv": "Σ по месяцам ожидаемых заказов × ожидаемый чек × доля маржи, со скидкой --discount-rate в год (столбец predicted_ltv_<горизонт>)",
    "total_ltv": "исторический LTV (по марже, если доля маржи известна, иначе по чистой выручке) + прогнозный LTV",
    "expected_next_order": "дата отчёта + 1 / апостериорная частота покупок, для клиентов с P(alive) ≥ 0,5",
    "predicted_ltv_cac_ratio": "полный LTV / CAC",
    "model": "проверяемая модель числа покупок",
    "calibration_end": "граница: модель видит заказы до этого дня",
    "holdout_end": "последний сравниваемый день",
    "actual_orders": "дни покупок клиентов в отложенном периоде",
    "predicted_orders": "ожидание модели для того же",
    "aggregate_error": "(предсказано − факт) / факт",
    "mae": "среднее |предсказано − факт| покупок",
    "rmse": "корень из средней квадратичной ошибки",
    "bias": "среднее (предсказано − факт); положительное — завышенный прогноз",
    # products, journeys, drivers, due dates (ltvcli.products, ltvcli.drivers)
    "units": "проданные штуки (столбец количества; 1 на строку без него)",
    "repurchase_rate": "доля его покупателей, купивших его в два дня или больше",
    "repurchase_p25_days": "дней между покупками, за которые 25 % купили его снова (Каплан — Майер, последняя покупка цензурирована датой отчёта)",
    "repurchase_median_days": "дней, за которые половина купила его снова (Каплан — Майер; пусто, если меньше половины когда-либо покупают): интервал пополнения",
    "repurchase_p75_days": "дней, за которые 75 % купили его снова (Каплан — Майер)",
    "due_customers": "его покупатели, чья последняя покупка его была раньше даты отчёта больше чем на repurchase_median_days",
    "first_customers": "клиенты, в первом заказе которых была его строка",
    "first_confidence": "низкая, если в группе меньше клиентов, чем small_segment (30), среди first_customers",
    "first_repeat_rate": "доля клиентов группы с 2 и более заказами, среди first_customers",
    "first_repeat_rate_low": "нижняя граница 95 % интервала Уилсона для repeat_rate, среди first_customers",
    "first_repeat_rate_high": "верхняя граница 95 % интервала Уилсона для repeat_rate, среди first_customers",
    "first_ltv_historical": "средняя чистая выручка на клиента за окно, среди first_customers",
    "first_mature_customers": "клиенты группы, чей первый заказ не позже чем за 365 дней до даты отчёта, среди first_customers",
    "first_ltv_12m": "средняя чистая выручка за 365 дней от первого заказа по mature_customers, среди first_customers",
    "first_ltv_12m_low": "нижняя граница 95 % интервала ltv_12m, среди first_customers",
    "first_ltv_12m_high": "верхняя граница 95 % интервала ltv_12m, среди first_customers",
    "mature_customers": "клиенты группы, чей первый заказ не позже чем за 365 дней до даты отчёта",
    "ltv_12m": "средняя чистая выручка за 365 дней от первого заказа по mature_customers",
    "ltv_12m_low": "нижняя граница 95 % интервала ltv_12m (бутстрэп до 500 клиентов, иначе нормальное приближение)",
    "ltv_12m_high": "верхняя граница 95 % интервала ltv_12m",
    "ltv_12m_lift": "ltv_12m / ltv_12m всех клиентов − 1",
    "repeat_lift": "repeat_rate / repeat_rate всех клиентов − 1",
    "share": "customers / клиенты, у которых в 1-м заказе было «откуда» и которые сделали 2-й заказ (пути: / клиенты с тремя заказами)",
    "last_bought": "последний день покупки клиентом товара из --due-product",
    "due": "last_bought + медианный интервал повторной покупки товара (repurchase_median_days); пусто, если меньше половины покупают снова",
    "due_in_days": "due − дата отчёта (отрицательное: пора уже прошла)",
}

# The tool's own words that appear as values in tables (verdicts, statuses, bases, skip reasons).
VALUES_RU = {
    "healthy": "окупается", "barely pays": "едва окупается", "loses money": "убыточно",
    "formula-margin": "формула, маржа", "formula-revenue": "формула, выручка",
    "historical-margin": "история, маржа", "historical-revenue": "история, выручка",
    "new": "новый", "active": "активный", "at-risk": "под угрозой", "lapsed": "ушёл",
    "trustworthy": "надёжна", "usable with care": "с осторожностью", "not reliable": "ненадёжна",
    "(total)": "(итого)", "(other)": "(прочие)", "(none)": "(нет)",
    "(all customers)": "(все клиенты)", "product": "товар", "sku": "артикул", "category": "категория",
    "churn": "по оттоку", "population": "по всей базе", "assumed": "допущение (1 год)", "low": "низкая",
    "bgnbd": "BG/NBD", "pareto": "Pareto/NBD",
    # how a file was read (ltv inspect): layouts, date shapes, day order
    "delimited": "с разделителем", "whitespace": "выровнен пробелами",
    "iso": "ISO (2024-12-30)", "iso-slash": "2024/12/30", "dotted": "30.12.2024",
    "slashed": "30/12/2024 или 12/30/2024", "day-month-name": "30 декабря 2024",
    "month-name-day": "Dec 30, 2024", "compact": "20241230", "in-text": "дата внутри текста",
}  # fmt: skip

# Skip.unparseable(value) reasons of other fields: "unparseable <field>"
_UNPARSEABLE = "unparseable "


PERIODS_RU = {
    "day": "день",
    "week": "неделя",
    "month": "месяц",
    "quarter": "квартал",
    "year": "год",
}

# Where the margin comes from (``ltvcli.analysis.margin_source``) and the notes about the data.

# predicted_ltv_12m, predicted_ltv_12m_low: a prediction column at its horizon (and a bound)
_HORIZON = re.compile(r"^(.+)_\d+[dwmy]((?:_low|_high)?)$")


def default_language() -> str:
    """Russian when the locale says so (LANG, LC_ALL...), else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    code = locale.getlocale()[0] or ""
    return "ru" if code.lower().startswith("ru") else "en"


@cache
def _locale(lang: str) -> Locale:
    from babel import Locale

    return Locale.parse(lang)


@cache
def _pattern(lang: str, kind: str, decimals: int) -> NumberPattern:
    """The locale's decimal or percent pattern with exactly ``decimals`` decimals; a percent
    pattern here takes the number already in percent."""
    from babel.numbers import parse_pattern

    where = _locale(lang)
    formats = where.percent_formats if kind == "percent" else where.decimal_formats
    pattern = parse_pattern(formats[None].pattern)
    pattern.frac_prec = (decimals, decimals)
    pattern.scale = 0
    return pattern


def _decimal(value: float) -> Decimal:
    """The float's exact value: rounded once, half to even, as Python's own formats round."""
    return Decimal(value)


class Words:
    """Texts, labels and number formats of one language."""

    def __init__(self, lang: str, currency: str | None) -> None:
        self.lang = lang
        self.currency = currency or DEFAULT_CURRENCY.get(lang)
        self.symbol = self._symbol(self.currency or "")

    def _symbol(self, code: str) -> str:
        if self.lang == "en" or not code:
            return SYMBOLS.get(code, code)
        from babel.numbers import get_currency_symbol

        return get_currency_symbol(code, locale=_locale(self.lang))

    def __call__(self, key: str, **values: object) -> str:
        text = TEXT[self.lang].get(key, TEXT["en"].get(key, key))
        return text.format(**values) if values else text

    def label(self, key: str, english: str) -> str:
        if self.lang != "ru":
            return english
        if key in LABELS_RU:
            return LABELS_RU[key]
        horizon = _HORIZON.match(key)
        return LABELS_RU.get("".join(horizon.groups()), english) if horizon else english

    def formula(self, key: str, english: str) -> str:
        """How a metric is computed (the definitions section)."""
        if self.lang != "ru":
            return english
        horizon = _HORIZON.match(key)
        return (
            FORMULAS_RU.get(key)
            or (horizon and FORMULAS_RU.get("".join(horizon.groups())))
            or english
        )

    def value(self, text: str) -> str:
        """One of the tool's own words used as a table value (verdict, status, basis, reason)."""
        if self.lang != "ru":
            return text
        if text in VALUES_RU:
            return VALUES_RU[text]
        said = translate(Message.literal(text), self.lang)  # skip reasons, day orders...
        if said != text:
            return said
        if text.startswith(_UNPARSEABLE):
            field = text.removeprefix(_UNPARSEABLE)
            return f"нераспознанное поле «{self.field(field)}»"
        return text

    def field(self, name: str) -> str:
        """A canonical field name (customer, date, amount...)."""
        return translate(FIELD_WORDS.get(name, name), self.lang)

    def period(self, name: str) -> str:
        return PERIODS_RU.get(name, name) if self.lang == "ru" else name

    def note(self, text: str) -> str:
        """A message of ltv's (``ltvcli.messages``) in this language; other text as it is."""
        return translate(text, self.lang)

    def plural(self, n: int, noun: str) -> str:
        """``74 клиента``: the count and the noun in the form CLDR's plural rules give it."""
        forms = PLURALS[self.lang][noun]
        form = _locale(self.lang).plural_form(n)
        return (
            f"{self.count(n)}{NBSP if self.lang == 'ru' else ' '}{forms.get(form, forms['other'])}"
        )

    def number(self, value: float, decimals: int = 2) -> str:
        pattern = _pattern(self.lang, "decimal", decimals)
        return str(pattern.apply(_decimal(value), _locale(self.lang)))

    def money(self, cents: int) -> str:
        amount = Decimal(cents).scaleb(-2)
        if self.lang != "en" and self.currency:
            from babel.numbers import format_currency

            return format_currency(
                amount, self.currency, locale=_locale(self.lang), currency_digits=False
            )
        text = self.number(cents / 100)
        if not self.symbol:
            return text
        if len(self.symbol) > 1:
            return f"{text}{NBSP}{self.symbol}"
        return f"-{self.symbol}{text[1:]}" if text.startswith("-") else f"{self.symbol}{text}"

    def percent(self, fraction: float, decimals: int = 1) -> str:
        """``12.5%`` / ``12,5 %`` (CLDR's percent pattern of the language)."""
        return self._percent(fraction * 100, decimals)

    def _percent(self, number: float, decimals: int) -> str:
        pattern = _pattern(self.lang, "percent", decimals)
        return str(pattern.apply(_decimal(number), _locale(self.lang)))

    def count(self, value: int) -> str:
        return self.number(value, 0)

    def date(self, value: dt.date | str) -> str:
        """ISO in English, ``30.12.2024`` in Russian (CLDR's short date)."""
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        if self.lang == "en":
            return str(value) if isinstance(value, str) else day.isoformat()
        from babel.dates import format_date

        return format_date(day, "short", locale=_locale(self.lang))

    def moment(self, value: dt.datetime) -> str:
        """When the report was made: ISO in English, ``30.12.2024, 09:41`` in Russian."""
        if self.lang == "en":
            return value.isoformat(timespec="seconds")
        from babel.dates import format_datetime

        return format_datetime(value, "short", locale=_locale(self.lang))

    def tick(self, value: float, rate: bool = False) -> str:
        """A chart's tick label: ``25,000`` / ``25 000``, ``50%`` / ``50 %``, ``2.5`` / ``2,5``."""
        number = round(value * 100 if rate else value, 6)
        decimals = next(d for d in (0, 1, 2, 6) if d == 6 or number == round(number, d))
        return self._percent(number, decimals) if rate else self.number(number, decimals)

    def change(self, now: float | None, before: float | None, kind: str) -> str:
        """``+12.3%`` against the earlier value, or ``−2.1 pp`` for a rate; empty when either
        is unknown (or the earlier one is zero)."""
        if now is None or before is None or (kind != "rate" and not before):
            return ""
        rate = kind == "rate"
        number = (now - before) * 100 if rate else (now - before) / abs(before) * 100
        sign = "−" if f"{number:+.1f}".startswith("-") else "+"
        if rate:
            return f"{sign}{self.number(abs(number), 1)}{NBSP}{self('points')}"
        return f"{sign}{self._percent(abs(number), 1)}"

    def column(self, values: pd.Series, kind: str) -> list[str]:
        """A table column for people: ``human_text`` in English; in another language its
        numbers, and ltv's own words (statuses, verdicts), as this language writes them (money
        without a currency sign: a table's currency is in its notes or its currency column)."""
        from ltvcli.render.cells import human_text, json_values

        if self.lang == "en":
            return [str(v) for v in human_text(values, kind)]
        return [
            self.number(value, 2)
            if kind == "money" and isinstance(value, int | float)
            else self.cell(value, kind)
            for value in json_values(values, kind)
        ]

    def cell(self, value: object, kind: str) -> str:
        """One table cell for people; — for missing. ``value`` as
        ``ltvcli.render.cells.json_values`` gives it (money in currency units, dates ISO)."""
        if value is None or (isinstance(value, float) and value != value):
            return "—"
        if kind == "money":
            return self.money(round(cast(float, value) * 100))  # json values are currency units
        if kind == "count":
            return self.count(int(cast(int, value)))
        if kind == "rate":
            return self.percent(float(cast(float, value)))
        if kind == "number":
            number = float(cast(float, value))
            if not number % 1:
                return self.count(int(number))
            text = self.number(number)
            decimal = _locale(self.lang).number_symbols["latn"]["decimal"]
            return text.rstrip("0").removesuffix(decimal)
        if kind == "precise":
            text = f"{float(cast(float, value)):.6g}"
            return text.replace(".", ",") if self.lang == "ru" else text
        if kind == "date" and self.lang != "en":
            try:
                return self.date(str(value))
            except ValueError:
                return str(value)
        return self.value(str(value))
