"""Command line: ``python -m sktanhnet`` trains on digits, or on a table, and reports.

With no arguments it trains a ``TanhMLPClassifier`` on scikit-learn's bundled digits data in a
``Pipeline`` with ``StandardScaler``, printing its progress per epoch, then the held-out accuracy,
the log-loss, the number of epochs and the training time. ``--task regression`` trains a
``TanhMLPRegressor`` instead (on scikit-learn's diabetes data without ``--data``) and reports the
held-out R^2, RMSE and MAE. ``--data FILE --target COLUMN`` trains on a table: text columns
one-hot encoded, missing values filled in, inside the pipeline that ``--save`` writes and
``--model`` applies. Options that cannot go together, and bad input files, give one line on stderr
and exit status 2.

One module per job: ``arguments`` (the options and what goes together), ``table`` (reading a
table), ``task`` (the target and the task), ``pipeline`` (the steps and the network),
``training``, ``predicting`` (``--model``) and ``report`` (scores, saving, plots).
"""

import os
import sys
import warnings

from .._compiled import kernel_choice, one_job
from .arguments import build_parser, check_options, given_options
from .messages import EXIT_BAD_INPUT, InputError, discard_notes, flush_notes, one_line, warn

__all__ = ["main"]


def main(argv=None):
    """Run the command line on ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    for stream in (sys.stdout, sys.stderr):
        # a label the terminal's encoding cannot show is escaped, not a crash (files are UTF-8)
        if callable(getattr(stream, "reconfigure", None)):
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Report(sys.stdout), _Report(sys.stderr, report=False)
    try:
        with one_job(), warnings.catch_warnings():  # a short job: NumPy's kernels (short_job)
            # a warning no step records (prediction's, the kernels'): one line, as the others,
            # and once (the kernels' is given by each fit and prediction)
            shown = set()

            def show(message, *_, **__):
                text = one_line(message)
                if text not in shown:
                    shown.add(text)
                    warn(text)

            warnings.showwarning = show
            return _run(args, argv)
    finally:
        sys.stdout, sys.stderr = streams


class _Report:
    """Standard output (or error) for the report: where its reader goes away (``| head -1``,
    ``2>&1 | grep -m1``), what follows is dropped and the job goes on to the end (``--save``,
    ``--plot``) rather than stopping there. Where the report cannot be written (a full disk),
    one line on stderr says so (exit status 2); where stderr cannot be, its lines are dropped."""

    def __init__(self, stream, report=True):
        self._stream, self._report = stream, report

    def write(self, text):
        try:
            return self._stream.write(text)
        except OSError as error:
            self._failed(error)
            return len(text)

    def flush(self):
        try:
            self._stream.flush()
        except OSError as error:
            self._failed(error)

    def _failed(self, error):
        if self._report and not isinstance(error, BrokenPipeError):
            raise _output_error(error) from None
        self._drop()

    def _drop(self):
        # the reader is gone: from now on the file descriptor writes to nothing, and what the
        # stream still holds goes there too (at exit, Python flushes it)
        os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())

    def __getattr__(self, name):
        return getattr(self._stream, name)


def check_kernel_choice():
    """SKTANHNET_KERNELS, if set, names a kernel set: one line where it does not."""
    try:
        kernel_choice()
    except ValueError as error:
        raise InputError(str(error).rstrip(".")) from None


def _output_error(error):
    return InputError(f"cannot write the report to standard output: {error.strerror or error}")


def _run(args, argv):
    try:
        args.given = given_options(argv)
        check_options(args, args.given)
        check_kernel_choice()
        if args.model is not None:
            from .predicting import predict_with_saved_model

            status = predict_with_saved_model(args)
        else:
            from .training import train

            status = train(args)
        flush_notes()
        sys.stdout.flush()  # the end of the report: a full disk is reported here
        return status
    except InputError as error:
        discard_notes()  # one line: what went wrong, without the notes that came before it
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:  # Ctrl-C: stopped as asked, without a traceback
        discard_notes()
        print("stopped (Ctrl-C)", file=sys.stderr)
        return 130
