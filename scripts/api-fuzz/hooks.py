"""Schemathesis hooks for NetCare's API (loaded by scripts/api-fuzz.sh).

`inventory-csv` is the format of the upload body as CSV: a header row and one device per line,
each row checked on its own. A regular expression cannot say which files land, so the generator
does: realistic layouts (the template's columns in any order, a hostname and a site, a BOM, CRLF
line ends) with at least one device that lands among rows that may be refused.
"""

import uuid

import schemathesis
from hypothesis import strategies as st

IDENTIFIER = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_/", min_size=1, max_size=30
).filter(lambda s: s[0].isalnum())
FREE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters='",;\t'),
    max_size=40,
)


@st.composite
def inventory_csv(draw):
    optional = draw(st.lists(st.sampled_from(["hostname", "site", "software_version"]), unique=True))
    columns = ["serial_number", "product_id"] + optional
    order = draw(st.permutations(columns))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        values = {"serial_number": draw(IDENTIFIER), "product_id": draw(IDENTIFIER)}
        for name in optional:
            values[name] = draw(FREE_TEXT).strip()
        rows.append(",".join(values[name] for name in order))
    # Rows that are refused on their own (no product ID, too many values) do not stop the rest.
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        rows.insert(draw(st.integers(0, len(rows))), draw(IDENTIFIER) + "," * len(order))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return bom + ",".join(order) + newline + newline.join(rows) + newline


schemathesis.openapi.format("inventory-csv", inventory_csv())


@schemathesis.hook
def before_call(context, case, kwargs):
    # Each generated upload is its own request: a key reused for another body is a 422 by design
    # (tested in the integration suite), not a refusal of valid data. Done just before sending, so
    # it holds in every phase (the coverage phase sends the same small keys with other bodies).
    # Negative cases are left as generated: an edit would make schemathesis revalidate them as
    # positive and send the headers they leave out (Authorization) after all.
    if case.meta is not None and case.meta.generation.mode.is_negative:
        return
    for name in list(case.headers or {}):
        if name.lower() == "idempotency-key":
            case.headers[name] = f"fuzz-{uuid.uuid4()}"
