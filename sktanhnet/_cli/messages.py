"""What every module of the command line reports through: user errors, notes and names."""

import difflib
import sys

EXIT_BAD_INPUT = 2


class InputError(Exception):
    """A problem with the user's input, reported as one line and exit status 2."""


_pending = []


def note(text):
    """One line on stderr (so that the predictions printed on stdout stay clean), printed by
    ``flush_notes`` once the input is checked: a user error is one line, without the notes."""
    _pending.append(f"note: {text}")


def flush_notes():
    while _pending:
        print(_pending.pop(0), file=sys.stderr)


def discard_notes():
    _pending.clear()


def one_line(message):
    """A message (a warning's, an error's) on one line: its whitespace runs as single spaces."""
    return " ".join(str(message).split())


def warn(text):
    flush_notes()
    print(f"warning: {text}", file=sys.stderr)


def names(values):
    """'a', 'b', 'c': names as a user reads them in one line."""
    return ", ".join(repr(str(value)) for value in values)


def first_few(values, count=5):
    """The first few names, then ', ...' if there are more."""
    values = list(values)
    return names(values[:count]) + (", ..." if len(values) > count else "")


def did_you_mean(name, names_):
    """' (did you mean 'x'?)' for the one of ``names_`` closest to ``name`` (the same but for
    case and spaces first), or ''."""
    folded = {other.casefold().replace(" ", ""): other for other in names_}
    match = folded.get(name.casefold().replace(" ", ""))
    if match is None:
        close = difflib.get_close_matches(name, list(names_), n=1, cutoff=0.75)
        match = close[0] if close else None
    return "" if match is None else f" (did you mean {match!r}?)"
