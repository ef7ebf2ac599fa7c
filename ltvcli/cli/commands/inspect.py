"""``ltv inspect``: what was detected in the input and what happened to every row."""

import sys

from ltvcli.cli.app import app
from ltvcli.cli.common import Debug, Format, Lang, Output, command, fill_output
from ltvcli.cli.errors import language
from ltvcli.cli.groups import input_options
from ltvcli.cli.requests import LoadRequest
from ltvcli.errors import ConfigError, InputError
from ltvcli.messages import Message
from ltvcli.render.formats import OutputFormat


@command(app, "inspect", input_options)
def inspect(
    request: LoadRequest,
    fmt: Format = None,
    output: Output = None,
    lang: Lang = None,
    debug: Debug = False,
) -> None:
    """What was detected in the input, and what happened to every row.

    Format, encoding, delimiter, header row, the column mapping with reasons, date shapes,
    rows read / used / skipped by reason, customers, orders, currencies and date range.

    Examples:

        ltv inspect export.csv
        ltv inspect export.csv --format json
        ltv inspect выгрузка.csv --lang ru
    """
    from ltvcli.inspection import inspection, unfinished_inspection
    from ltvcli.render.i18n import Words
    from ltvcli.render.inspect import emit_inspection

    if fmt not in (None, OutputFormat.table, OutputFormat.json):
        raise ConfigError(Message("ltv inspect writes --format table or json"))
    request.quiet = True
    output = fill_output(output, None) if output else output
    as_json = fmt is OutputFormat.json or (fmt is None and (output or "").endswith(".json"))
    words = Words(language(), None)
    try:
        data = inspection(request.load())
    except InputError as error:
        # what was found is shown first; then the error line, and exit 1
        data = unfinished_inspection(error)
        if not as_json:  # for people: the reason in their language (JSON stays the same)
            data["error"] = error.say(words.lang)
        emit_inspection(data, as_json, output, sys.stdout, sys.stdout.isatty(), words)
        raise
    emit_inspection(data, as_json, output, sys.stdout, sys.stdout.isatty(), words)
