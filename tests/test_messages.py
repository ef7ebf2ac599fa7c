"""Messages in English and Russian: every template in the code has its translation, with the
same placeholders, and values are written the language's way."""

import datetime as dt
import pickle
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from ltvcli.errors import ConfigError, InputError
from ltvcli.messages import NBSP, Message, catalog, translate

PACKAGE = Path(__file__).parents[1] / "ltvcli"


def _templates() -> dict[str, str]:
    """Every ``Message("...")`` and ``template("...")`` in the package, and where it is."""
    found = {}
    for filename, line, text, _comments, _context in extract_from_dir(
        PACKAGE, keywords={"Message": None, "template": None}, comment_tags=()
    ):
        found[text] = f"{filename}:{line}"
    return found


def test_no_template_is_an_f_string_which_no_catalog_could_hold() -> None:
    written = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in PACKAGE.rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\b(?:Message|template)\(\s*f[\"']", line)
    ]
    assert not written


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_template_has_a_russian_translation_with_the_same_placeholders() -> None:
    russian = catalog("ru")
    templates = _templates()
    assert len(templates) >= 5
    missing = [f"{where}: {t!r}" for t, where in templates.items() if t not in russian]
    assert not missing, "no translation (run make messages, then translate):\n" + "\n".join(missing)
    differ = [t for t in templates if _fields(russian[t]) != _fields(t)]
    assert not differ, f"the placeholders differ: {differ}"


def test_the_catalog_holds_no_template_the_code_no_longer_says() -> None:
    assert not set(catalog("ru")) - set(_templates()), "run make messages"


def test_a_message_is_its_english_text_and_says_itself_in_russian() -> None:
    message = Message(
        "{n:,} of {total:,} customers as of {day}", n=3952, total=12000, day=dt.date(2024, 12, 30)
    )
    assert message == "3,952 of 12,000 customers as of 2024-12-30"
    assert translate(message, "en") == message
    assert translate("plain text", "ru") == "plain text"
    error = InputError(
        Message("not an amount: {value!r}", value="12,3,4"), file="o.csv", row=7, column="Сумма"
    )
    assert str(error) == "o.csv: row 7: column \"Сумма\": not an amount: '12,3,4'"
    assert error.say("ru").startswith("o.csv: строка 7: столбец «Сумма»: ")


def test_russian_counts_and_dates_are_written_the_russian_way() -> None:
    from ltvcli.messages import _Formatter

    assert _Formatter("ru").format("{n:,} {day}", n=1234567, day=dt.date(2024, 12, 30)) == (
        f"1{NBSP}234{NBSP}567 30.12.2024"
    )


def test_a_message_survives_pickling_as_dask_workers_send_errors() -> None:
    message = Message("--memory-limit: at least 64MB, not {text!r} {{literal}}", text="1KB")
    again = pickle.loads(pickle.dumps(ConfigError(message)))
    assert again.args[0] == message and again.args[0].template == message.template


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_an_error_is_one_line_in_either_language(lang: str) -> None:
    error = InputError(Message("not a date"), file="a.csv", row=2, hint=Message("interrupted"))
    assert "\n" not in error.say(lang)
