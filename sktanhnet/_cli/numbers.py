"""Numbers as tables write them: missing-value tokens, numbers as a program writes them, and the
decimal commas, thousands separators and percentages of spreadsheets (``read_table``'s)."""

import re

from .messages import InputError, first_few, note, warn

#: Cells read as missing values (stripped, case as written): pandas' defaults and '?'.
MISSING = frozenset(
    ["", "NA", "N/A", "n/a", "nan", "NaN", "-nan", "-NaN", "null", "NULL", "None", "<NA>"]
    + ["#N/A", "#NA", "?"]
)
# Words a table writes for a missing value beside MISSING's, which the checks refuse (naming
# them) rather than read: not a category's name either.
_MISSING_WORDS = {"missing", "unknown", "unk", "none", "nil", "n.a", "na", "empty", "blank"}
DECIMAL_COMMA = re.compile(r"[-+]?[0-9]*,[0-9]+([eE][-+]?[0-9]+)?")
_THOUSANDS_POINT = re.compile(r"[-+]?[1-9][0-9]{0,2}\.[0-9]{3}")
_THOUSANDS_COMMA = re.compile(r"[-+]?[1-9][0-9]{0,2},[0-9]{3}")
# Numbers a spreadsheet formats for reading, which are not numbers to a program: thousands
# separators (1,234.5 or 1.234,5 or 1 234), percentages (12,4%), currency signs ($12.50,
# 12,50 €) and the typographic minus (−0.5).
_GROUPED = r"[0-9]{1,3}([,.' \u00a0\u202f][0-9]{3})+([.,][0-9]+)?"
_ANY = rf"({_GROUPED}|[0-9]+([.,][0-9]+)?)"
_CURRENCY = "[$\u20ac\u00a3\u00a5]"
DISGUISED_NUMBER = re.compile(
    rf"[-+]?({_GROUPED}|[0-9]+([.,][0-9]+)?\s*%)"
    rf"|[-+\u2212]?{_CURRENCY}\s*[-+\u2212]?{_ANY}|[-+\u2212]?{_ANY}\s*{_CURRENCY}"
    rf"|\u2212{_ANY}(\s*%)?"
)


#: A number as a program writes it: ASCII digits, a point, an exponent, inf or nan (float()
#: alone would also read 1_000 and other scripts' digits, which tables keep as text).
_NUMBER = re.compile(
    r"[-+]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|inf|infinity|nan)", re.IGNORECASE
)


def as_float(text):
    """The number ``text`` writes (``_NUMBER``), or None."""
    return float(text) if _NUMBER.fullmatch(text) else None


def read_decimal_commas(path, rows, lines, separator, skip=()):
    """Where the separator is not a comma (semicolons, tabs), numbers may have decimal commas
    (3,5), and a comma or a point with three digits after it (1,234 or 1.234) may separate
    thousands. Column by column, in ``rows`` in place:

    - numbers with decimal commas (3,5 or 7,9e-05) or whole, one at least with a comma: read
      with points in their place, with a note;
    - a column whose every comma or every point has three digits after it (950 and 12,500, or
      1.234): read by the file's other columns where they show its decimal mark (decimal
      commas, or decimal points, of another shape), refused naming a value where they show the
      other mark or both; where they show neither, by the separator: a semicolon file is the
      export of a decimal-comma locale (12,500 is 12.5; 1.234 is refused), a tab file may be
      anyone's (12,500 is refused; 1.234 is read as a decimal point, with a note);
    - decimal commas and points in one column: refused.

    The columns named in ``skip`` are left as written.
    """
    header, body = rows[0], rows[1:]
    commas, ambiguous, points, mixed = [], [], [], []
    decimal_points = False
    for j in range(len(header)):
        if header[j] in skip:
            continue
        present = [row[j] for row in body if j < len(row) and row[j] not in MISSING]
        with_comma = [value for value in present if "," in value]
        dotted = [value for value in present if "." in value and as_float(value) is not None]
        if with_comma and all(
            DECIMAL_COMMA.fullmatch(value) or as_float(value) is not None for value in present
        ):
            if dotted:
                mixed.append((j, with_comma[0], dotted[0]))
            elif all(_THOUSANDS_COMMA.fullmatch(value) for value in with_comma):
                ambiguous.append(j)
            else:
                commas.append(j)
        elif dotted and all(as_float(value) is not None for value in present):
            if all(_THOUSANDS_POINT.fullmatch(value) for value in dotted):
                points.append(j)
            else:
                decimal_points = True

    def first(j, pattern):  # the line and value of column j's first value that ``pattern`` fits
        i = next(i for i, row in enumerate(body) if j < len(row) and pattern.fullmatch(row[j]))
        return lines[i + 1], body[i][j]

    if mixed:
        j, comma, point = mixed[0]
        line = lines[1 + next(i for i, row in enumerate(body) if j < len(row) and row[j] == comma)]
        raise InputError(
            f"{path}, line {line}: {comma!r} in column {header[j]!r} has a decimal comma, and "
            f"{point!r} in the same column a point: write the numbers of a column with one "
            "decimal mark, and without thousands separators"
        )
    comma_file = bool(commas) or (separator == ";" and not decimal_points)
    if points and (commas or (comma_file and not decimal_points)):
        line, value = first(points[0], _THOUSANDS_POINT)
        raise InputError(
            f"{path}, line {line}: {value!r} in column {header[points[0]]!r} has a point that "
            "may separate thousands, in a file of decimal commas ("
            + (f"as in column {header[commas[0]]!r}" if commas else "separated by semicolons")
            + "): write the numbers without thousands separators (1234)"
        )
    if ambiguous and (decimal_points or not comma_file):
        j = ambiguous[0]
        line, value = first(j, _THOUSANDS_COMMA)
        where = f"{path}, line {line}: {value!r} in column {header[j]!r}"
        plain, decimal = value.replace(",", ""), value.replace(",", ".")
        if decimal_points and not commas:
            raise InputError(
                f"{where} has a comma that separates thousands (the file's decimals have "
                f"points): write the numbers without it ({plain})"
            )
        raise InputError(
            f"{where} may be {plain} (a comma that separates thousands) or {decimal} (a "
            "decimal comma): write the numbers without thousands separators, and decimals "
            f"with a point ({decimal})"
        )
    converted = sorted(commas + ambiguous)
    for j in converted:
        for row in body:
            if j < len(row):
                row[j] = row[j].replace(",", ".")
    if converted:
        note(
            f"{path}: reading decimal commas (3,5 is 3.5) in "
            f"{first_few(header[j] for j in converted)}"
        )
    if points and not decimal_points:
        note(
            f"{path}: reading decimal points (1.000 is 1) in "
            f"{first_few(header[j] for j in points)}, where every point has three digits "
            "after it: if it separates thousands, write the numbers without it"
        )


# A column name that says identifier: 'id', 'Patient ID', 'customer_id', 'row number', 'key'...
_IDENTIFIER_NAME = re.compile(r"(?i)(^|[\s_.\-])(id|identifier|index|key|no|nr|number)$")


def warn_numbered_identifiers(path, features, X, kinds):
    """Warn of each number column whose name says identifier ('Patient ID') and that holds a
    different whole number in every row of 20 or more: trained on as a feature, where it is
    noise. Not left out, as a text identifier is: a column of distinct whole numbers may be a
    feature (a year, a count), and only the name tells them apart."""
    n_rows = X.shape[0]
    for j, (name, kind) in enumerate(zip(features, kinds)):
        if kind != "number" or n_rows < 20 or not _IDENTIFIER_NAME.search(name.strip()):
            continue
        values = X[:, j].astype(float)
        whole = (values == values.round()).all()  # NaN (a missing value) is not whole
        if whole and len(set(values.tolist())) == n_rows:
            warn(
                f"{path}: column {name!r} holds a different whole number in every row, and its "
                "name says identifier: it is a feature here, where it is noise to learn from; "
                "leave it out of the file if it is an identifier"
            )


def reads_as_missing(word):
    """Whether a text value reads as a missing value's token ('-', 'missing', 'unknown'), which
    a category's name is not (MISSING's own tokens are missing values already)."""
    folded = word.casefold().strip(" .")
    return not any(c.isalnum() for c in word) or folded in _MISSING_WORDS


def missing_written_as(table, names):
    """'; read as missing: 'None', 'NA'' for the tokens other than an empty cell that the
    columns ``names`` of ``table`` hold and that are read as missing values (MISSING), or ''.
    A notes' tail: 'None' or 'NA' may be a category's name (North America) there."""
    tokens = {value for name in names for value in table.column(name) if value in MISSING}
    tokens.discard("")
    return f"; read as missing: {first_few(sorted(tokens))}" if tokens else ""


def check_header(path, header, rows, lines, names=()):
    """Warn of a first line of numbers but for whole numbers (a table without a header: its
    first row is taken for the names) unless ``names`` (a saved model's) hold them all, and
    refuse a data row that repeats a header of names (tables joined)."""
    if all(as_float(name) is not None for name in header):
        # whole numbers name columns (years, lags; pandas' 0, 1, 2), and so may others (doses)
        named = set(header) <= set(names)
        if not named and not all(re.fullmatch(r"-?[0-9]+", name) for name in header):
            warn(
                f"{path}: its first line holds numbers only ({first_few(header, 3)}), read as "
                "the columns' names: if it is a row of data, the file lacks a header line and "
                "that row is not used; add one naming the columns"
            )
        return  # a data row of those numbers is data
    for row, line in zip(rows, lines):
        if row == header:
            raise InputError(
                f"{path}, line {line}: a data row repeats the header line (tables joined?): "
                "remove it"
            )


def written_number(separator, value):
    """Whether ``value`` of a table is a number: as a program writes it, or with a decimal comma
    where the table's ``separator`` is not a comma."""
    if as_float(value) is not None:
        return True
    return separator != "," and bool(DECIMAL_COMMA.fullmatch(value))


def check_disguised_numbers(table, name, values):
    """Refuse a number written for reading (1,234 or 12,4%): it is not text to encode. So is a
    column of numbers some of which have a decimal comma (quoted "3,1" in a comma-separated
    file, where decimal commas are not read: ``read_decimal_commas``)."""
    for value, line in zip(values, table.lines):
        if as_float(value) is None and DISGUISED_NUMBER.fullmatch(value):
            form = (
                "a percent sign"
                if "%" in value
                else "a currency sign"
                if re.search(_CURRENCY, value)
                else "a typographic minus (\u2212)"
                if "\u2212" in value
                else "a thousands separator"
            )
            prices = "currency" in form  # categories named by a price ($5, $10 plans)
            raise InputError(
                f"{table.path}, line {line}: {value!r} in column {name!r} is a number written "
                f"with {form}: write numbers plainly (1234.5, 0.124, -2), as a spreadsheet "
                "exports them unformatted"
                + ("; for categories (plans by price), name them with text" if prices else "")
            )
    if table.separator != ",":  # elsewhere decimal commas were read (``read_decimal_commas``)
        return
    commas = [i for i, value in enumerate(values) if DECIMAL_COMMA.fullmatch(value)]
    others = (value for value in values if value not in MISSING and as_float(value) is None)
    if commas and all(DECIMAL_COMMA.fullmatch(value) for value in others):
        line = table.lines[commas[0]]
        raise InputError(decimal_comma_in_commas(table.path, line, values[commas[0]], name))


def decimal_comma_in_commas(path, line, value, name):
    """The message for a number with a decimal comma where commas separate the columns."""
    return (
        f"{path}, line {line}: {value!r} in column {name!r} is a number with a decimal comma "
        "in a comma-separated file: write it with a point (3.1), or separate the columns with "
        "semicolons"
    )


def not_utf8(path, error):
    """The message for a file that is not UTF-8 (``error``, the UnicodeDecodeError): UTF-16
    (Excel's "Unicode text") named as such, else the line of the first byte that is not."""
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return (
            f'{path} is UTF-16 text (Excel\'s "Unicode text"), not UTF-8: save it as '
            '"CSV UTF-8", or convert it (iconv -f UTF-16 -t UTF-8)'
        )
    line = data[: error.start].count(b"\n") + 1
    return (
        f"{path}, line {line}: not UTF-8 text ({error.reason} at byte {error.start}): save it "
        "as UTF-8"
    )
