"""The report's words and number formats in English and Russian.

Money: ``$1,234,567.50`` / ``1 234 567,50 ₽`` (narrow no-break space as the thousands
separator, the symbol after the amount in Russian), percentages ``12.5%`` / ``12,5 %``, dates ISO.
A label without a Russian translation falls back to the English one.
"""

from __future__ import annotations

import locale
import os
from typing import cast

LANGUAGES = ("en", "ru")
SYMBOLS = {"RUB": "₽", "USD": "$", "EUR": "€", "GBP": "£", "UAH": "₴", "KZT": "₸", "JPY": "¥", "INR": "₹", "TRY": "₺"}  # fmt: skip
NBSP = "\u00a0"
THIN = "\u202f"

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
        "trend": "Monthly trend",
        "monthly_trend": "Net revenue (bars) and active customers (line) per month",
        "call_list": "Good customers slipping away",
        "call_list_intro": "{n} customers are at risk; the most valuable of them, to call first:",
        "predictions": "Predictions",
        "predicted": "Predicted",
        "model": "Model",
        "holdout": "Holdout check",
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
        "versus": "change vs {date}",
        "points": "pp",
        "days": "days",
        "customers_axis": "customers",
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
        "return_curve": "Доля вернувшихся за второй покупкой, по дням после первой",
        "trend": "Помесячная динамика",
        "monthly_trend": "Чистая выручка (столбцы) и активные клиенты (линия) по месяцам",
        "call_list": "Хорошие клиенты, которых мы теряем",
        "call_list_intro": "Под угрозой ухода {n} клиентов; самые ценные из них, кому позвонить первым:",
        "predictions": "Прогноз",
        "predicted": "Прогноз",
        "model": "Модель",
        "holdout": "Проверка на отложенных данных",
        "data_quality": "Качество данных",
        "rows_read": "Прочитано строк: {n}.",
        "skipped": "Пропущенные строки и причины",
        "detected": "Распознанные столбцы",
        "definitions": "Определения",
        "definitions_intro": "Каждое число определено один раз; полный список — docs/metrics.md.",
        "segments_by": "Сегменты по {keys}. Признаки берутся из первой покупки клиента.",
        "cohorts_by": "Когорты по периоду: {period}. Пустые ячейки ещё не наблюдаемы.",
        "verdict_none": "Стоимость привлечения не задана (--cac или --spend): LTV:CAC неизвестен.",
        "healthy": "LTV:CAC = {ratio}: привлечение окупается.",
        "barely pays": "LTV:CAC = {ratio}: привлечение едва окупается.",
        "loses money": "LTV:CAC = {ratio}: каждый новый клиент приносит убыток.",
        "trustworthy": "Модель хорошо предсказала отложенный период: прогнозам для этих данных можно доверять.",
        "usable with care": "Модель верна в целом, но ошибается для некоторых групп: пользуйтесь прогнозом осторожно.",
        "not reliable": "Модель не предсказала отложенный период: не полагайтесь на её прогноз для этих данных.",
        "total": "Итого",
        "versus": "изменение к {date}",
        "points": "п. п.",
        "days": "дней",
        "customers_axis": "клиентов",
    },
}

LABELS_RU = {
    "currency": "Валюта", "customers": "Клиенты", "new_customers": "Новые клиенты",
    "orders": "Заказы", "gross_revenue": "Выручка", "refunds": "Возвраты",
    "net_revenue": "Чистая выручка", "margin": "Маржа", "aov": "Средний чек",
    "purchase_frequency": "Покупок в год", "repeat_rate": "Доля повторных клиентов",
    "median_days_to_second_order": "Медиана дней до 2-й покупки", "churn_rate": "Отток",
    "retention_rate": "Удержание", "lifespan_years": "Срок жизни, лет",
    "ltv_historical": "Исторический LTV (среднее)", "ltv_historical_median": "Исторический LTV (медиана)",
    "ltv_historical_margin": "Исторический LTV по марже", "ltv_formula": "LTV по формуле",
    "ltv_formula_margin": "LTV по формуле (маржа)", "spend": "Маркетинговые расходы",
    "customers_acquired": "Привлечено клиентов", "cac": "CAC", "ltv_basis": "LTV для LTV:CAC",
    "ltv_cac_ratio": "LTV:CAC", "verdict": "Вывод", "payback_months": "Окупаемость, мес.",
    "first_order": "Первый заказ", "last_order": "Последний заказ", "as_of": "На дату",
    "customer_share": "Доля клиентов", "revenue_share": "Доля выручки",
    "orders_per_customer": "Заказов на клиента", "median_interval_days": "Медиана дней между заказами",
    "at_risk_share": "Доля под угрозой", "customer": "Клиент", "recency_days": "Дней без покупок",
    "cohort": "Когорта", "age": "Возраст", "period": "Период", "active": "Активные",
    "new": "Новые", "returning": "Вернувшиеся", "retention": "Удержание",
    "gaps": "Интервалов", "gap_mean_days": "Средний интервал, дней",
    "gap_median_days": "Медианный интервал, дней", "second_order_customers": "Вернулись",
    "p_alive": "Вероятность активности", "total_ltv": "Полный LTV", "predicted_ltv_cac_ratio": "Прогнозный LTV:CAC",
    "status": "Статус", "reason": "Причина", "rows": "Строк", "file": "Файл", "field": "Поле",
    "column": "Столбец", "key": "Показатель", "formula": "Формула", "payback_age": "Окупаемость, периодов",
}  # fmt: skip


# The tool's own words that appear as values in tables (verdicts, statuses, bases).
VALUES_RU = {
    "healthy": "окупается", "barely pays": "едва окупается", "loses money": "убыточно",
    "formula-margin": "формула, маржа", "formula-revenue": "формула, выручка",
    "historical-margin": "история, маржа", "historical-revenue": "история, выручка",
    "new": "новый", "active": "активный", "at-risk": "под угрозой", "lapsed": "ушёл",
    "trustworthy": "надёжна", "usable with care": "с осторожностью", "not reliable": "ненадёжна",
    "(total)": "(итого)", "(other)": "(прочие)", "(none)": "(нет)",
}  # fmt: skip


def default_language() -> str:
    """Russian when the locale says so (LANG, LC_ALL...), else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    code = locale.getlocale()[0] or ""
    return "ru" if code.lower().startswith("ru") else "en"


class Words:
    """Texts, labels and number formats of one language."""

    def __init__(self, lang: str, currency: str | None) -> None:
        self.lang = lang
        self.symbol = SYMBOLS.get(currency or "", currency or "")

    def __call__(self, key: str, **values: object) -> str:
        text = TEXT[self.lang].get(key, TEXT["en"].get(key, key))
        return text.format(**values) if values else text

    def label(self, key: str, english: str) -> str:
        return LABELS_RU.get(key, english) if self.lang == "ru" else english

    def number(self, value: float, decimals: int = 2) -> str:
        text = f"{value:,.{decimals}f}"
        if self.lang == "ru":
            text = text.replace(",", THIN).replace(".", ",")
        return text

    def money(self, cents: int) -> str:
        amount = self.number(cents / 100)
        if not self.symbol:
            return amount
        if self.lang == "ru" or len(self.symbol) > 1:
            return f"{amount}{NBSP}{self.symbol}"
        return f"-{self.symbol}{amount[1:]}" if amount.startswith("-") else f"{self.symbol}{amount}"

    def percent(self, fraction: float) -> str:
        text = f"{fraction * 100:.1f}"
        return f"{text.replace('.', ',')}{NBSP}%" if self.lang == "ru" else f"{text}%"

    def count(self, value: int) -> str:
        return self.number(value, 0)

    def change(self, now: float | None, before: float | None, kind: str) -> str:
        """``+12.3%`` against the earlier value, or ``−2.1 pp`` for a rate; empty when either
        is unknown (or the earlier one is zero)."""
        if now is None or before is None or (kind != "rate" and not before):
            return ""
        rate = kind == "rate"
        number = (now - before) * 100 if rate else (now - before) / abs(before) * 100
        text = f"{number:+.1f}".replace("-", "−")
        text = text.replace(".", ",") if self.lang == "ru" else text
        if rate:
            return f"{text}{NBSP}{self('points')}"
        return f"{text}{NBSP}%" if self.lang == "ru" else f"{text}%"

    def cell(self, value: object, kind: str) -> str:
        """One table cell for people; — for missing."""
        if value is None or (isinstance(value, float) and value != value):
            return "—"
        # ``ltvcli.render.cells.json_values``: a number for the numeric kinds
        if kind == "money":
            return self.money(round(cast(float, value) * 100))  # json values are currency units
        if kind == "count":
            return self.count(int(cast(int, value)))
        if kind == "rate":
            return self.percent(float(cast(float, value)))
        if kind == "number":
            number = cast(float, value)
            return (
                self.number(float(number)).rstrip("0").rstrip(",.")
                if float(number) % 1
                else self.count(int(number))
            )
        if kind == "precise":
            return f"{float(cast(float, value)):.6g}".replace(
                ".", "," if self.lang == "ru" else "."
            )
        return VALUES_RU.get(str(value), str(value)) if self.lang == "ru" else str(value)
