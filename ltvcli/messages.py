"""What ltv says to people — errors, warnings, notes — in English and in the user's language.

A ``Message`` *is* its English text (a ``str``: logs, JSON, tests and library callers see
English) that keeps its template and values, so that the CLI can say it in another language
from the gettext catalog ``ltvcli/locale/<lang>/LC_MESSAGES/ltv.po`` (the format translators'
tools read; ``make messages`` adds new templates to it, and a test fails on any template
without a translation). Values are formatted in the language: ``{n:,}`` is ``3,952`` in
English and ``3 952`` in Russian, ``{rate:.1f}`` ``2.5`` and ``2,5``, a date ``2024-12-30``
and ``30.12.2024``.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Sequence
from functools import cache
from numbers import Real
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "ltv"
NBSP = "\u00a0"


class Message(str):
    """English text with its template and values: ``Message("no such file {name!r}", name=p)``."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, /, **values: object) -> Message:
        self = super().__new__(cls, _Formatter("en").vformat(template, (), values))
        self.template = template
        self.values = values
        return self

    @classmethod
    def literal(cls, text: str) -> Message:
        """``text`` as it is (braces too), said from the catalog when it has an entry: a word of
        ltv's that travels as plain text, such as a skip reason counted by its text."""
        if isinstance(text, Message):
            return text
        return cls(text.replace("{", "{{").replace("}", "}}"))

    @classmethod
    def joined(cls, items: Sequence[str], separator: str = ", ") -> Message:
        """``items`` one after another, each said in the language when the whole is."""
        escaped = separator.replace("{", "{{").replace("}", "}}")
        template = escaped.join(f"{{i{n}}}" for n in range(len(items)))
        return cls(template, **{f"i{n}": item for n, item in enumerate(items)})

    def __reduce__(self) -> tuple[Any, ...]:  # pickled by Dask: rebuilt from the template
        return (_rebuild, (self.template, self.values))


def template(text: str) -> str:
    """A template to be said later (``Message(TEMPLATES[key], ...)``), marked so that the
    catalog holds it (gettext's ``N_``)."""
    return text


def _rebuild(template: str, values: dict[str, object]) -> Message:
    return Message(template, **values)


def translate(text: str, lang: str) -> str:
    """``text`` in ``lang``: a ``Message`` from the catalog (English where it has no entry);
    any other text as it is."""
    if not isinstance(text, Message) or lang == "en":
        return str(text)
    template = catalog(lang).get(text.template, text.template)
    return _Formatter(lang).vformat(template, (), text.values)


@cache
def catalog(lang: str) -> dict[str, str]:
    """English template → the template in ``lang``, from the language's ``.po`` file."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        entries = read_po(handle, locale=lang)
    return {str(m.id): str(m.string) for m in entries if m.id and m.string and not m.fuzzy}


class _Formatter(string.Formatter):
    """``str.format`` that formats values in a language: nested messages translated, numbers
    with the language's digit grouping and decimal mark, dates in its short form."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def convert_field(self, value: object, conversion: str | None) -> object:
        if isinstance(value, Message) and conversion == "r":
            return repr(translate(value, self.lang))
        return super().convert_field(value, conversion)

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, Message):
            return translate(value, self.lang)
        if self.lang != "en":
            if isinstance(value, Real) and not isinstance(value, bool) and format_spec:
                text = format(value, format_spec)  # 1,234.5 -> 1 234,5; 17% -> 17 %
                text = text.replace(",", NBSP).replace(".", ",")
                return text.replace("%", NBSP + "%") if format_spec.endswith("%") else text
            if isinstance(value, dt.datetime) and not format_spec:
                midnight = value.time() == dt.time()
                return value.strftime("%d.%m.%Y" if midnight else "%d.%m.%Y %H:%M")
            if isinstance(value, dt.date) and not format_spec:
                return value.strftime("%d.%m.%Y")
        return str(super().format_field(value, format_spec))
