"""The target column: its missing values, the task it asks for, and its values as labels or numbers.

The rule of ``--task auto``: text labels, and whole numbers of at most ``MAX_CLASSES`` distinct
values (0/1, a handful of integer classes, even written 1.0), are classes; other numbers
(fractions, or more distinct whole numbers: prices, scores, counts) are a regression target, and
so is any target with ``--loss``. A note names the choice and the option for the other.
"""

import re

import numpy as np

from .arguments import MAX_CLASSES
from .messages import InputError, first_few, note, warn
from .numbers import (
    DECIMAL_COMMA,
    check_disguised_numbers,
    missing_written_as,
    reads_as_missing,
)
from .table import as_numbers, check_not_mostly_numbers, is_missing

#: A whole number as written: a sign, no leading zero; a point and zeros may follow (+1, 1.0).
_WHOLE = re.compile(r"[+-]?(0|[1-9][0-9]*)(\.0*)?")


def target_rows(table, target):
    """Which rows of the table have a target value: refuse a column without any."""
    missing = is_missing(table.column(target))
    if missing.all():
        raise InputError(
            f"target column {target!r} of {table.path} has no values: every cell is empty or a "
            "missing-value token (NA, N/A, nan, null, ?)"
        )
    return ~missing


def drop_missing_targets(table, target):
    """The table without the rows whose target is missing (a note says how many), and the
    target's values as text."""
    present = target_rows(table, target)
    if not present.all():
        first, missing = table.lines[int(np.argmin(present))], int((~present).sum())
        rows = "1 row" if missing == 1 else f"{missing} rows"
        written = missing_written_as(table, [target])
        note(
            f"{table.path}: leaving out {rows} without a value in target column {target!r} "
            f"(the first on line {first}{written})"
        )
        table = table.keep(present)
    check_disguised_numbers(table, target, table.column(target))
    return table, np.array(table.column(target), dtype=str)


def warn_missing_like_labels(table, target, values):
    """Warn of labels that read as a missing value's token ('unknown'; '-' beside two or more
    labels of words or numbers, where '+' and '-', or 'x' and '-', are labels): taken as a
    class."""
    distinct = set(values)
    symbols = {value for value in distinct if not any(c.isalnum() for c in value)}
    lone_symbol = len(symbols) == 1 and len(distinct) > 2
    labels = sorted(
        value
        for value in distinct
        if reads_as_missing(value) and (value not in symbols or lone_symbol)
    )
    if labels:
        warn(
            f"{table.path}: target column {target!r} holds {first_few(labels, 3)}, which reads "
            "as a missing value but is taken as a class: write a missing target as an empty "
            "cell or NA to leave its row out"
        )


def check_target_not_mostly_numbers(table, target, values, regression=False):
    """Refuse a target of numbers but for a few text values, naming the first and its line, as
    the same in a feature column is refused: under --task auto it would make every value a
    class; for a regression (--task regression, --loss), it is what keeps the target from being
    numbers."""
    advice = " (its row is then left out)"
    if not regression:
        advice += ", or pass --task classification to take every value as a class"
    check_not_mostly_numbers(
        table, target, values, np.zeros(len(values), dtype=bool), "target column", advice
    )


def _numbers(values, what):
    """The target's values as finite numbers, or None if one is not a number."""
    numbers = as_numbers(list(values), np.zeros(len(values), dtype=bool))
    if numbers is not None and not np.isfinite(numbers).all():
        raise InputError(
            f"{what}: {str(values[np.argmax(~np.isfinite(numbers))])!r} is not a finite number"
        )
    return numbers


def _fractions(values, numbers):
    """Which values are not whole numbers: a fraction, or a float too large to hold one (1e200,
    2**53 and beyond, unless written as an integer)."""
    written_whole = np.array([bool(_WHOLE.fullmatch(value)) for value in values])
    return (numbers != np.round(numbers)) | ((np.abs(numbers) >= 2.0**53) & ~written_whole)


def choose_task(task, values, what, loss=None):
    """(the task, y as it trains) from the target's text values.

    ``loss`` is the --loss given on the command line (None if not given): it asks for regression.
    """
    numbers = _numbers(values, what)
    fractions = None if numbers is None else _fractions(values, numbers)
    given, labels = task, None
    if task == "auto":
        task, labels = _auto(values, numbers, fractions, what, loss)
    if task == "regression":
        if numbers is None:
            value = str(next(v for v in values if _numbers([v], what) is None))
            advice = (
                f"leave out --loss {loss} to classify class labels"
                if loss and given == "auto"
                else f"use --task classification{'' if loss else ' (or auto)'} for class labels"
                + (f", without --loss {loss}" if loss else "")
            )
            raise InputError(
                f"{'--loss ' + loss if loss else '--task regression'} needs numbers in {what}; "
                f"it holds {value!r}: {advice}"
            )
        if loss == "poisson" and (numbers < 0).any():
            raise InputError(
                f"--loss poisson needs a target >= 0 (counts or rates); {what} holds "
                f"{str(values[np.argmax(numbers < 0)])!r}. Use --loss squared_error"
            )
        return task, numbers
    if fractions is not None and fractions.any():
        raise InputError(
            f"--task classification needs class labels; {what} holds non-integer numbers such "
            f"as {str(values[np.argmax(fractions)])!r}. Use --task regression (or auto) for a "
            "continuous target"
        )
    return task, as_labels(values) if labels is None else labels


def _auto(values, numbers, fractions, what, loss):
    """(the task, the class labels where they were read for it, else None)."""
    if numbers is None:
        if loss:
            return "regression", None  # refused by the caller, naming the text value
        count = len(np.unique(values))
        note(
            f"{what} holds text labels ({count} class{'es' * (count != 1)}): training a "
            "TanhMLPClassifier (--task auto; a regressor needs numbers)"
        )
        return "classification", None
    if loss:
        note(f"--loss {loss}: training a TanhMLPRegressor on {what} (--task auto)")
        return "regression", None
    if fractions.any():
        note(
            f"{what} holds numbers that are not all whole, such as "
            f"{str(values[np.argmax(fractions)])!r}: training a TanhMLPRegressor (--task auto; "
            "classification needs class labels)"
        )
        return "regression", None
    count = len(np.unique(numbers))
    if count > MAX_CLASSES:
        note(
            f"{what} holds {count} distinct whole numbers (more than {MAX_CLASSES}): training a "
            f"TanhMLPRegressor (--task auto; --task classification takes them as {count} classes)"
        )
        return "regression", None
    labels = as_labels(values)
    if labels.dtype.kind != "i":  # not all written as integers (007, 1e0), or beyond int64
        odd = next((str(value) for value in values if not _WHOLE.fullmatch(value)), None)
        why = "beyond int64" if odd is None else f"not all written as integers (such as {odd!r})"
        note(
            f"{what} holds whole numbers {why}: training a TanhMLPClassifier on "
            f"{len(np.unique(labels))} classes as written (--task auto; 7 and 007 are two, 1 "
            "and 1.0 one; --task regression takes them as numbers)"
        )
        return "classification", labels
    note(
        f"{what} holds {count} distinct whole numbers (at most {MAX_CLASSES}): training a "
        "TanhMLPClassifier (--task auto; --task regression takes them as numbers)"
    )
    return "classification", labels


def as_labels(values):
    """Class labels as written: integers (1 and 1.0 alike) as int64, anything else as text
    (010 and 10 are two classes; integers beyond int64 stay text). Among text labels, a whole
    number is still written one way (1.0 and +1 as 1), so that it stays one class."""
    if all(_WHOLE.fullmatch(value) for value in values):
        try:
            return np.array([int(value.split(".")[0]) for value in values], dtype=np.int64)
        except OverflowError:
            pass
    return np.asarray([_whole_as_written(value) for value in values], dtype=str)


def _whole_as_written(value):
    """A whole number (_WHOLE) as an integer's text (1.0, +1 and -0 as 1, 1 and 0), else the
    value."""
    return str(int(value.split(".")[0])) if _WHOLE.fullmatch(value) else value


def regression_target(values, what, model):
    """A saved regressor's --target values as numbers: refused, naming one, if not numbers."""
    numbers = _numbers(values, what)
    if numbers is None:
        value = str(next(v for v in values if _numbers([v], what) is None))
        raise InputError(
            f"{what} holds {value!r}, not a number: {model} is a regressor, it predicts numbers"
        )
    return numbers


def labels_like(values, classes, what, decimal_comma=False):
    """The --target labels, read from text, as values of the model's classes (their type).

    bool classes take True/False (and 1/0), integer classes whole numbers, float classes
    numbers; text classes take text, but not a column of numbers when no class is one. A label
    that cannot be a class is an error naming it.
    """
    dtype = np.asarray(classes).dtype
    if dtype.kind not in "biuf":
        # a whole number written another way (1.0 for 1), as ``as_labels`` writes it in training
        # and, in a file of semicolons or tabs, a decimal comma read as training read the whole
        # column where all of it was numbers (1,0 for 1)
        known, labels = set(map(str, classes)), []
        for label in map(str, values):
            candidates = [label, _whole_as_written(label)]
            if decimal_comma and DECIMAL_COMMA.fullmatch(label):
                point = label.replace(",", ".")
                candidates += [point, _whole_as_written(point)]
            labels.append(next((c for c in candidates if c in known), label))
        numeric_classes = _numbers_or_none(list(known)) is not None
        if (
            known.isdisjoint(labels)
            and not numeric_classes
            and _numbers_or_none(list(values)) is not None
        ):
            raise InputError(
                f"{what} holds numbers (such as {str(values[0])!r}), but the model's classes are "
                f"text ({first_few(classes)}): name the column the model was trained to predict"
            )
        return np.array(labels, dtype=str)
    words = {"true": True, "1": True, "false": False, "0": False}
    labels = []
    for text in map(str, values):
        if dtype.kind == "b" and text.lower() in words:
            labels.append(words[text.lower()])
        elif dtype.kind in "iu" and _WHOLE.fullmatch(text):
            labels.append(int(text.split(".")[0]))
        elif dtype.kind == "f" and _numbers_or_none([text]) is not None:
            labels.append(float(text))
        else:
            raise InputError(
                f"{what} holds {text!r}, which is not a label of the model: its classes are of "
                f"type {dtype} ({first_few(classes)})"
            )
    try:
        return np.array(labels, dtype=dtype)
    except OverflowError:  # an integer beyond the classes' type: no class has it
        bounds = np.iinfo(dtype)
        value = next(v for v in labels if not bounds.min <= v <= bounds.max)
        raise InputError(
            f"{what} holds {str(value)!r}, which is not a label of the model: its classes are "
            f"of type {dtype}"
        ) from None


def _numbers_or_none(values):
    numbers = as_numbers(values, np.zeros(len(values), dtype=bool))
    return None if numbers is None or not np.isfinite(numbers).all() else numbers
