"""Reading a table as people export it: its separator, missing-value tokens, text and numbers.

Only the csv module and NumPy: the command line does not need pandas.
"""

import collections
import csv
import io
import itertools

import numpy as np

from .messages import InputError, did_you_mean, first_few, names, note, warn
from .numbers import (
    DECIMAL_COMMA,
    MISSING,
    as_float,
    check_disguised_numbers,
    check_header,
    decimal_comma_in_commas,
    not_utf8,
    read_decimal_commas,
    reads_as_missing,
    written_number,
)

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
# A feature column of numbers and a few text values may also be one of categories, some named
# with numbers (1,5 beside A): the refusal says how to keep it so.
CATEGORY_ADVICE = "; for a column of categories, name every category with text, not a number"


class Table:
    """The header and data rows of a table, each cell stripped, with their line numbers."""

    def __init__(self, path, header, rows, lines, separator=","):
        self.path, self.header, self.rows, self.lines = path, header, rows, lines
        self.separator = separator
        self._index = {name: j for j, name in enumerate(header)}

    def column(self, name):
        index = self._index[name]
        return [row[index] for row in self.rows]

    def keep(self, kept):
        """The table with only the rows where ``kept`` (a boolean array) is true."""
        rows = [row for row, keep in zip(self.rows, kept) if keep]
        lines = [line for line, keep in zip(self.lines, kept) if keep]
        return Table(self.path, self.header, rows, lines, self.separator)


def read_table(path, keep=(), as_written=None):
    """The table in ``path``: a header row and data rows, separated by commas, semicolons or tabs.

    The separator is the one of the three that splits the header into the most columns. A
    byte-order mark is dropped; an unnamed first column (the index pandas writes) is left out
    with a note, and so is one named 'Unnamed: 0' that holds an index's labels, unless ``keep``
    (the target, a saved model's features) names it; repeated names, rows of another length
    than the header and a quote left open (``_check_quotes``) are refused.
    ``as_written(header)``, where given, names the columns whose values are text as written (a
    saved model's text columns and labels): no decimal comma is read in them.
    """
    try:
        # utf-8-sig: a spreadsheet's byte-order mark must not become part of the first name.
        with open(path, newline="", encoding="utf-8-sig") as handle:
            text = handle.read()
    except OSError as error:
        stdin = " (standard input is /dev/stdin)" if path == "-" else ""
        raise InputError(f"cannot read {path}: {error.strerror or error}{stdin}") from None
    except UnicodeDecodeError as error:
        kind = _binary_kind(path)
        if kind:
            raise InputError(
                f"{path} is {kind}, not a table of text: the command line reads comma-, "
                "semicolon- or tab-separated text; save the table as CSV"
            ) from None
        raise InputError(not_utf8(path, error)) from None
    separator = _separator(text)
    # lines end with \n, \r\n or \r alone (old Mac exports), as the reader counts them
    raw_lines = io.StringIO(text, newline="").readlines()
    csv.field_size_limit(2**31 - 1)  # a long cell (a text's notes, a vector) is a cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    spans = []  # (first line, last line, cells) of each record over several lines
    try:
        rows, lines, first, last = [], [], 1, 0
        for row in reader:
            # a record's first line (a quoted field may span several; line_num is the last)
            first, last = min(last + 1, reader.line_num), reader.line_num
            if last > first and row:
                spans.append((first, last, row))
            # an empty line is no row; a row of empty cells (,,,) is a row of missing values,
            # and so is a quoted empty cell alone ("", as pandas writes a missing value in a
            # table of one column)
            if (
                any(cell.strip() for cell in row)
                or len(row) > 1
                or (row and not rows)
                or (row and '"' in raw_lines[reader.line_num - 1])
            ):
                rows.append([cell.strip() for cell in row])
                lines.append(first)
    except csv.Error as error:
        raise InputError(f"{path}, line {reader.line_num}: not a readable table: {error}") from None
    _check_quotes(path, raw_lines, first, spans, separator, rows)
    if len(rows) < 2:
        raise InputError(f"{path} needs a header row and at least one data row")
    header = rows[0]
    if len(header) > 1 and header[0] == "" and all(header[1:]):
        # pandas' DataFrame.to_csv() writes the index as an unnamed first column: not a feature
        note(f"{path}: leaving out the unnamed first column (a DataFrame's index)")
        rows = [row[1:] for row in rows]
        header = rows[0]
    elif (
        len(header) > 1
        and header[0] == "Unnamed: 0"
        and header[0] not in keep
        and _is_index(rows[1:])
    ):
        # that column read by pandas.read_csv and written again: its name, not a feature
        note(f"{path}: leaving out the first column 'Unnamed: 0' (a DataFrame's index)")
        rows = [row[1:] for row in rows]
        header = rows[0]
    counts = collections.Counter(header)
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        raise InputError(f"{path}: column names must differ; repeated: {names(repeated)}")
    check_header(path, header, rows[1:], lines[1:], keep)
    for row, line in zip(rows[1:], lines[1:]):
        if len(row) != len(header):
            if len(header) == 1 and DECIMAL_COMMA.fullmatch(",".join(row)):
                raise InputError(decimal_comma_in_commas(path, line, ",".join(row), header[0]))
            raise InputError(
                f"{path}, line {line}: {len(row)} field{'s' * (len(row) != 1)}, the header has "
                f"{len(header)}"
            )
    if separator != ",":
        note(f"{path}: reading columns separated by {SEPARATORS[separator]}s")
        skip = set(as_written(header)) if as_written is not None else set()
        read_decimal_commas(path, rows, lines, separator, skip)
    return Table(path, header, rows[1:], lines[1:], separator)


def _check_quotes(path, raw_lines, last_first, spans, separator, rows):
    """A quote left open takes the lines after it into one cell. Refused: one that nothing closes
    before the end of the file (the last record, from its first line ``last_first``), and a
    quoted field over several lines that a quote closes before more of it, spaces aside (``"a``
    on one line, ``b"c`` on the next: the quote opening the next quoted field); each naming its
    lines. Said in a warning: a quoted field over several lines whose lines after its first all
    look like rows of ``rows`` (the header, then the records; ``_row_shape``): a quote left
    open, or a text whose lines hold as many separators. Other fields over several lines are
    text with line breaks: a note."""
    tail = "".join(raw_lines[last_first - 1 :])
    left_open = _quotes(tail, separator)[0] if '"' in tail else None
    if left_open is not None:
        raise InputError(
            f"{path}, line {last_first + left_open}: a quote opens a field that no quote closes "
            "before the end of the file: close it, or leave it out"
        )
    like_rows, like_a_row = [], _row_shape(rows, separator) if spans else None
    for first, last, row in spans:
        early = _quotes("".join(raw_lines[first - 1 : last]), separator)[1]
        if early is not None:
            opened, closed = first + early[0], first + early[1]
            raise InputError(
                f"{path}, line {opened}: a quoted field runs on to line {closed}, where a quote "
                f"ends it before more of it: is a quote left open on line {opened}? Close it "
                "where the field ends, or leave it out"
            )
        for cell in row:
            # its lines after the first, blank ones aside: rows of the file, every one, where a
            # quote was left open; a text's lines rarely all have a row's shape
            inner = [line for line in cell.splitlines()[1:] if line.strip()]
            if inner and all(map(like_a_row, inner)):
                like_rows.append((first, last))
    if like_rows:
        first, last = like_rows[0]
        warn(
            f"{path}, line {first}: a quoted field runs on to line {last}, over lines that look "
            f"like rows of the table{f' ({len(like_rows)} such fields)' * (len(like_rows) > 1)}"
            f": if a quote was left open on line {first}, close it where the field ends; each "
            "such field is read as one cell"
        )
    if spans:
        count = len(spans)
        note(
            f"{path}: {count} record{'s' * (count > 1)} with a quoted field over several lines "
            f"(the first on lines {spans[0][0]} to {spans[0][1]}): each such field is one cell"
        )


def _row_shape(rows, separator):
    """``like_a_row(line)``: whether a line of text, read alone, has the shape of the table's
    rows (``rows``: the header, then the records): as many fields as the header, three or more
    (a line of text with one comma has two), and a number (or a missing value) in each column
    whose cells are all numbers or missing (cells with line breaks aside). Decimal commas are
    numbers where the separator is not a comma, as in ``check_not_mostly_numbers``."""
    width = len(rows[0]) if rows else 0

    def number(cell):
        return cell in MISSING or written_number(separator, cell)

    numbers = [
        all(number(row[j]) for row in rows[1:] if j < len(row) and not _line_break(row[j]))
        for j in range(width)
    ]

    def like_a_row(line):
        fields = [field.strip() for field in next(csv.reader([line], delimiter=separator), [])]
        return (
            width > 2
            and len(fields) == width
            and all(number(field) for field, column in zip(fields, numbers) if column)
        )

    return like_a_row


def _line_break(cell):
    return "\n" in cell or "\r" in cell


def _quotes(text, separator):
    """How the csv module (not strict, quotes doubled inside quotes) reads the quotes of
    ``text``: (the line, counted from 0, where a quoted field opens that the text ends inside,
    else None; (the lines where it opens and where it closes) of the first quoted field over
    several lines that a quote ends before more of the field, ``"a`` then ``b"c``, else None).
    Spaces after the closing quote are not more of the field: they are stripped from its cell."""
    start, field, quoted, closing, spaces = range(5)
    state, line, opened, early, spans, last = start, 0, 0, None, False, ""
    for char in text:
        if char == "\r" or (char == "\n" and last != "\r"):
            line += 1
        last = char
        if state == quoted:
            spans = spans or char in "\r\n"
            state = closing if char == '"' else quoted
        elif state == closing and char == '"':  # "" inside quotes: a quote
            state = quoted
        elif char in (separator, "\n", "\r"):
            state = start
        elif state in (closing, spaces) and char in " \t":  # spaces after its closing quote
            state = spaces
        elif state == start and char == '"':
            state, opened, spans = quoted, line, False
        else:
            if state in (closing, spaces) and spans and early is None:
                early = (opened, line)
            state = field
    return (opened if state == quoted else None), early


#: The first bytes of the binary files most often taken for tables.
_MAGIC = {
    b"PAR1": "a Parquet file",
    b"PK\x03\x04": "a zip archive (an Excel workbook?)",
    b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook",
    b"\x89HDF": "an HDF5 file",
    b"\x1f\x8b": "a gzip archive",
    b"ARROW1": "an Arrow (Feather) file",
}


def _binary_kind(path):
    """What the file at ``path`` is, by its first bytes, if one of ``_MAGIC``; else None."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(8)
    except OSError:
        return None
    return next((kind for magic, kind in _MAGIC.items() if start.startswith(magic)), None)


def _is_index(rows):
    """Whether the first cell of the rows holds distinct whole numbers (an index's labels)."""
    labels = [row[0] if row else "" for row in rows]
    distinct = len(set(labels)) == len(labels)
    return distinct and all(label.isdigit() and label.isascii() for label in labels)


def _separator(text):
    """The separator of the three that splits the first records (up to 20) into as many fields
    each, more than one, without a tab left in a field, the most (of two as many, the one whose
    fields read as numbers more often); where none does, the one that splits the header the
    most."""

    def score(separator):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        try:
            records = list(itertools.islice((row for row in reader if row), 20))
        except csv.Error:
            return (False, False, 0, 0)
        width = len(records[0]) if records else 0
        # a tab inside a field of another separator's split is a tab-separated file's sign
        # (its fields may hold commas: decimal commas, "width, cm")
        tabs = separator != "\t" and any("\t" in field for row in records for field in row)
        numbers = sum(written_number(separator, cell) for row in records[1:] for cell in row)
        return (width > 1 and all(len(row) == width for row in records), not tabs, width, numbers)

    return max(SEPARATORS, key=score)


def check_columns(table, target, features=None):
    """The feature columns (every column but the target, or those named) and those left out."""
    if target is not None and target not in table.header:
        raise InputError(
            f"column {target!r} not found in {table.path}{did_you_mean(target, table.header)}; "
            f"its {len(table.header)} columns, separated by {SEPARATORS[table.separator]}s: "
            f"{first_few(table.header, 8)}"
        )
    columns = set(table.header)
    if features is None:
        features = [name for name in table.header if name != target]
        if not features:
            raise InputError(f"{table.path} has no feature columns")
    else:
        missing = [name for name in features if name not in columns]
        if missing:
            spare = [name for name in table.header if name not in set(features)]
            hinted = (f"{name!r}{did_you_mean(name, spare)}" for name in missing)
            raise InputError(
                f"{table.path} lacks feature columns the model needs: {', '.join(hinted)}"
            )
        if target in features:
            raise InputError(f"--target {target!r} is one of the model's feature columns")
    chosen = set(features)
    left_out = [name for name in table.header if name not in chosen and name != target]
    return list(features), left_out


def missing_and_numbers(values):
    """(which values are missing, the values as numbers or None), read once: MISSING, and in a
    column of numbers NaN in any case (NAN: float() reads it as NaN; in a column of text, Nan
    may be a name)."""
    missing = np.array([value in MISSING for value in values], dtype=bool)
    numbers = as_numbers(values, missing)
    return (missing, None) if numbers is None else (missing | np.isnan(numbers), numbers)


def is_missing(values):
    """Which values are missing (``missing_and_numbers``)."""
    return missing_and_numbers(values)[0]


def as_numbers(values, missing):
    """The values as float64 (NaN where missing), or None where one is not a number at all.

    Decimal commas were read as points already, where the separator allows them (``read_table``).
    """
    numbers = np.full(len(values), np.nan)
    for i, value in enumerate(values):
        if not missing[i]:
            number = as_float(value)
            if number is None:
                return None
            numbers[i] = number
    return numbers


def check_finite(table, name, numbers):
    """Refuse inf (and a number too large for a float) naming its line."""
    bad = np.isinf(numbers)
    if bad.any():
        row = int(np.argmax(bad))
        value = table.column(name)[row]
        raise InputError(
            f"{table.path}, line {table.lines[row]}: {value!r} in column {name!r} is not a "
            "finite number"
        )


def read_features(table, features, text_columns=None):
    """X of the feature columns, their kinds ("number" or "text") and each one's missing count.

    A column is text if one of its values is not a number, unless ``text_columns`` (the saved
    model's) is given: then those columns are text and every other one must hold numbers. X is
    float64 (NaN where missing) when every column holds numbers, else an object array of floats
    and strings (NaN where missing).
    """
    columns, kinds, missing_counts = [], [], []
    for name in features:
        values = table.column(name)
        missing, numbers = missing_and_numbers(values)
        as_written = text_columns is not None and name in text_columns  # a model's categories
        if as_written:
            numbers = None
        if numbers is None and not as_written:
            check_disguised_numbers(table, name, values)  # 1,234: its own words
        if numbers is None and text_columns is not None and name not in text_columns:
            row = next(
                i
                for i in range(len(values))
                if not missing[i] and not written_number(table.separator, values[i])
            )
            raise InputError(
                f"{table.path}, line {table.lines[row]}: {values[row]!r} in column {name!r} is "
                "not a number, and the model reads numbers there"
            )
        if numbers is None and text_columns is None:
            check_not_mostly_numbers(table, name, values, missing, categories=True)
        if numbers is not None:
            check_finite(table, name, numbers)
            columns.append(numbers)
            kinds.append("number")
        else:
            columns.append(
                np.array(
                    [np.nan if gone else value for value, gone in zip(values, missing)],
                    dtype=object,
                )
            )
            kinds.append("text")
        missing_counts.append(int(missing.sum()))
    dtype = np.float64 if "text" not in kinds else object
    X = np.empty((len(table.rows), len(features)), dtype=dtype)
    for j, column in enumerate(columns):
        X[:, j] = column
    return X, kinds, missing_counts


def check_not_mostly_numbers(
    table, name, values, missing, column="column", advice="", categories=False
):
    """Refuse a column of numbers with a few text values: a typo, or a missing-value token that
    is not one of MISSING ('-', 'missing'), would otherwise make it a column of categories (or,
    in the target, make every value a class). ``column`` names the column's role in the
    message, and ``advice`` follows its own. Decimal commas count as numbers where the separator
    is not a comma (``read_decimal_commas`` reads a column's only where all its values are).
    With ``categories`` (a feature column), a text value that repeats may be a category's name:
    the message says how to keep the column one of categories too."""
    text = [
        i
        for i, value in enumerate(values)
        if not missing[i] and not written_number(table.separator, value)
    ]
    present = len(values) - int(missing.sum())
    # one missing value's word ('-', 'unknown') beside many numbers, whatever its share (beside
    # a few, as a checkbox's '-' and '1', a column of categories)
    words = {str(values[i]) for i in text}
    missing_words = False
    if len(words) == 1 and reads_as_missing(*words):
        numbers = {value for value, gap in zip(values, missing) if not gap} - words
        missing_words = len(numbers) > 10
    if text and (len(text) < present / 2 or missing_words):
        counts = collections.Counter(str(values[i]) for i in text) if categories else {}
        if any(count > 1 and not reads_as_missing(word) for word, count in counts.items()):
            advice = CATEGORY_ADVICE + advice
        if "-" in words:
            advice += "; where '-' stands for zero, write 0"
        raise InputError(
            f"{table.path}, line {table.lines[text[0]]}: {str(values[text[0]])!r} in {column} "
            f"{name!r}, a column of numbers but for {len(text)} value{'s' * (len(text) > 1)}: "
            f"write a missing value as an empty cell or NA{advice}"
        )


def leave_out_empty_columns(table, features, X, kinds, missing_counts):
    """Leave out, with a note, the feature columns without any value, and those of text with a
    different value in every row (an identifier or a name: nothing to learn from)."""
    n_rows = len(table.rows)
    empty = [j for j, count in enumerate(missing_counts) if count == n_rows]
    distinct = [
        j
        for j, kind in enumerate(kinds)
        if kind == "text" and n_rows >= 20 and len(set(X[:, j])) == n_rows
    ]
    if empty:
        empty_names = names(features[j] for j in empty)
        note(f"{table.path}: leaving out columns without any value: {empty_names}")
    if distinct:
        note(
            f"{table.path}: leaving out text columns with a different value in every row "
            f"(identifiers?): {first_few(features[j] for j in distinct)}"
        )
    kept = [j for j in range(len(features)) if j not in empty and j not in distinct]
    if not kept:
        raise InputError(f"{table.path} has no feature column left to learn from")
    kinds = [kinds[j] for j in kept]
    X = X[:, kept]
    if "text" not in kinds:
        X = X.astype(np.float64)
    return [features[j] for j in kept], X, kinds, [missing_counts[j] for j in kept]
