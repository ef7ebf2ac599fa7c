"""A separate customers file (customer key, attributes such as signup channel, an NPS score) joined
onto the customer table by the same normalised key the orders use."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from ltvcli.errors import InputError
from ltvcli.fields import match, normalise_header
from ltvcli.io.raw import ReadOptions
from ltvcli.io.readers import read_inputs
from ltvcli.messages import Message
from ltvcli.schema import identity

NPS_HEADERS = ("nps", "nps score", "nps_score", "score", "likelihood to recommend", "оценка", "оценка nps", "nps оценка")  # fmt: skip
NPS_COLUMN = "nps_score"


def join_customer_file(customers: pd.DataFrame, path: str) -> tuple[pd.DataFrame, int]:
    """The customer table with the file's columns added; also how many customers matched.

    Where the file and the orders both have a column, the file's non-empty value wins (it is
    the customer's own record). The last row of a repeated key wins.
    """
    [raw] = read_inputs([path], ReadOptions())
    table = raw.table
    scored = [(m[0], name) for name in table.column_names if (m := match("customer", name))]
    if not scored:
        raise InputError(
            Message("no customer column (have: {have})", have=", ".join(table.column_names)),
            file=path,
            hint=Message("name it customer, customer_id, email or phone, like in the orders"),
        )  # fmt: skip
    key = max(scored)[1]
    values = table.column(key).combine_chunks()
    kind = identity.kind_of(values, normalise_header(key))
    region = identity.phone_region(table.column_names, [values])
    keys = identity.normalise_keys(values, kind, region).to_pandas()
    extra = {}
    for name in table.column_names:
        if name == key:
            continue
        target = NPS_COLUMN if normalise_header(name) in NPS_HEADERS else name
        extra[target] = table.column(name).cast(pa.string()).to_pandas()
    frame = pd.DataFrame(extra).assign(customer=keys).dropna(subset=["customer"])
    frame = frame.drop_duplicates("customer", keep="last").set_index("customer")
    joined = customers.copy()
    position = frame.index.get_indexer(pd.Index(joined["customer"]))
    found = position >= 0
    for name in frame.columns:
        values = frame[name].to_numpy(object)[position.clip(min=0)]
        values[~found] = None
        incoming = pd.Series(values, index=joined.index).replace("", None)
        joined[name] = incoming.combine_first(joined[name]) if name in joined else incoming
    return joined, int(found.sum())
