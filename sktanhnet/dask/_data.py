"""The training data on the workers: partitions lined up, checked, encoded and kept there.

A fit turns its inputs (dask arrays, DataFrames, Series) into one list of partitions, the i-th
partition of X with the i-th of y and of the sample weights, and makes two passes over them on
the workers, each keeping its results in the workers' memory (futures; nothing comes back to
the client but a few numbers per partition):

1. ``check_partition``: the core estimator's own input checks (``_validate_X_y``, sample
   weights), so that bad input is refused with its messages; it returns the validated float
   X, the validated targets, the weights and a small summary (rows, features, the labels found
   and their counts, or the number of targets).
2. ``encode_partition``: once the client has learned the classes (or the targets' shape) from
   the summaries, the targets as the network takes them and the weight of each row (sample
   weights times class weights), with the total weight of each class; and, for early stopping
   without a validation set, the rows held out of this partition.

Every future keeps its lineage (the graph it was computed from), so that when a worker dies
dask recomputes its partitions elsewhere and the fit goes on.
"""

import copy
import operator

import numpy as np

from .._array_ops import ops_for
from .._host import host_input
from .._validation import check_sample_weight, is_real

try:  # dask is the ``distributed`` extra's, imported only by ``sktanhnet.dask``
    import dask
    import dask.array as da
    from dask import delayed
    from dask.delayed import Delayed
except ImportError as error:  # pragma: no cover - checked by sktanhnet.dask itself
    raise ImportError(
        'sktanhnet.dask needs dask and distributed: pip install ".[distributed]" (from a clone)'
    ) from error


def is_dask(value):
    """Whether ``value`` is a dask collection: an array, DataFrame or Series. Others (Delayed,
    Bag), which have no rows to line up, are refused with a TypeError that says what to pass."""
    if value is None or not dask.is_dask_collection(value):
        return False
    if isinstance(value, da.Array) or (
        not isinstance(value, Delayed) and hasattr(getattr(value, "_meta", None), "iloc")
    ):
        return True
    kind = "Delayed" if isinstance(value, Delayed) else type(value).__name__  # not DelayedLeaf
    raise TypeError(
        f"Got a dask {kind}: sktanhnet.dask takes dask arrays, DataFrames and "
        "Series (or in-memory data). Convert it first, for instance with "
        "dask.array.from_delayed(value, shape, dtype) or bag.to_dataframe()."
    )


def _is_frame(value):
    return is_dask(value) and hasattr(value, "npartitions") and not isinstance(value, da.Array)


def row_chunks(value):
    """Rows of each partition of a dask array (NaN where unknown), or None (a DataFrame)."""
    if isinstance(value, da.Array):
        return value.chunks[0] if value.ndim else None
    return None


def _known(chunks):
    return chunks is not None and not any(np.isnan(chunks))


def inconsistent_samples(lengths):
    """scikit-learn's message for inputs of different lengths (``check_consistent_length``)."""
    return "Found input variables with inconsistent numbers of samples: %r" % [
        int(n) for n in lengths
    ]


def partitions_of(value, rows, name):
    """The partitions of ``value`` as a list of delayed objects, lined up with X's ``rows``.

    ``value`` is a dask array, DataFrame or Series, a NumPy array or a list (then split as X's
    known ``rows``), or a scalar or None (the same for every partition: a list of it).
    """
    if value is None or (not is_dask(value) and np.ndim(value) == 0):
        return None
    if not is_dask(value):
        kind = f"{name} is in memory ({type(value).__name__})"
        if rows is None:  # a DataFrame's partitions: their sizes are not known
            raise ValueError(
                f"{kind} but X is a dask DataFrame, whose partitions have "
                f"unknown sizes: pass {name} as a Series of the same DataFrame (a column of it, "
                "taken before it is dropped from X), partitioned as X."
            )
        if not _known(rows):
            raise ValueError(
                f"{kind} but X's partitions have unknown sizes: pass {name} "
                "as a dask array or Series partitioned as X (for instance from the same "
                "DataFrame), or compute X's chunk sizes (X.compute_chunk_sizes())."
            )
        value = np.asarray(host_input(value, name))
        if len(value) != sum(rows):
            raise ValueError(inconsistent_samples([sum(rows), len(value)]))
        value = da.from_array(value, chunks=(rows, *value.shape[1:]))
    if _is_frame(value):
        return list(value.to_delayed())
    if value.ndim == 2 and len(value.chunks[1]) > 1:
        value = value.rechunk({1: -1})
    own = row_chunks(value)
    if _known(rows) and _known(own) and tuple(own) != tuple(rows):
        if sum(own) != sum(rows):
            raise ValueError(inconsistent_samples([sum(rows), sum(own)]))
        value = value.rechunk({0: tuple(int(r) for r in rows)})
    parts = value.to_delayed()
    return list(parts.ravel()) if parts.ndim > 1 else list(parts)


def input_partitions(X, y, sample_weight):
    """(X's, y's and the weights' partitions), lined up; the weights may be None or a scalar.

    X chunked along its columns is rechunked to whole rows. Inputs of different lengths are
    refused with scikit-learn's message where the lengths are known, inputs partitioned unlike
    X where they are not.
    """
    if isinstance(X, da.Array) and X.ndim == 2 and len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})
    rows = row_chunks(X)
    x_parts = partitions_of(X, rows, "X")
    y_parts = partitions_of(y, rows, "y")
    if y_parts is None:
        raise ValueError("y must be given: pass the targets as a dask array or Series.")
    weight_parts = partitions_of(sample_weight, rows, "sample_weight")
    if weight_parts is None:
        weight_parts = [sample_weight] * len(x_parts)
    for name, parts in (("y", y_parts), ("sample_weight", weight_parts)):
        if len(parts) != len(x_parts):
            raise ValueError(
                f"X has {len(x_parts)} partition(s) but {name} has {len(parts)}: pass {name} "
                "partitioned as X (the same DataFrame's columns, or arrays of the same chunks "
                "along the rows)."
            )
    return x_parts, y_parts, weight_parts


# ---------------------------------------------------------------------- on the workers


def partition_weight(sample_weight, n_rows):
    """The core's checks of one partition's weights, except "not all zero" (a whole-data rule)."""
    if sample_weight is None:
        return None
    if not is_real(sample_weight):
        values = np.asarray(host_input(sample_weight, "sample_weight"))
        if values.dtype.kind in "biuf" and values.size and not values.any():
            # every weight of this partition is 0: allowed, as long as another's is not
            check_sample_weight(np.ones(values.shape), n_rows)  # its shape's checks
            return np.zeros(n_rows)
    return check_sample_weight(sample_weight, n_rows)


def check_partition(template, X, y, sample_weight, reset, index=None, first_row=None):
    """One partition checked as the core estimator checks its whole input.

    Returns (X validated, y validated, weights, summary); an empty partition gives
    (None, None, None, {"n_rows": 0}). ``template`` is an unfitted copy of the estimator
    (with ``n_features_in_`` and the like when ``reset`` is False); it is copied here. The
    core's error names rows and sizes within the partition: it is prefixed with the partition's
    ``index`` and, where its chunk sizes are known, its ``first_row`` in the whole data.
    """
    template = copy.copy(template)
    if getattr(X, "shape", (1,))[0] == 0 and getattr(y, "shape", (1,))[0] == 0:
        return None, None, None, {"n_rows": 0}
    try:
        X, y = template._validate_X_y(X, y, reset=reset, ops=ops_for(X))
        sample_weight = partition_weight(sample_weight, X.shape[0])
    except ValueError as error:
        _name_partition(error, index, first_row)
        raise
    summary = {
        "n_rows": X.shape[0],
        "n_features": X.shape[1],
        "dtype": X.dtype,
        "feature_names": getattr(template, "feature_names_in_", None),
        "weight": None if sample_weight is None else float(sample_weight.sum()),
        **template._dask_target_summary(y, sample_weight),
    }
    return X, y, sample_weight, summary


def no_rows_error(X):
    """The core's error (scikit-learn's words) for dask input whose partitions hold no row."""
    return ValueError(
        "Found array with 0 sample(s) (shape=(0, %d)) while a minimum of 1 is required."
        % (X.shape[1] if len(getattr(X, "shape", ())) == 2 else 0)
    )


def _name_partition(error, index, first_row):
    """Prefix the core's error, which names rows and sizes within a partition, with the
    partition's ``index`` and, where its chunk sizes are known, its ``first_row`` in the data."""
    if index is not None:
        where = "" if first_row is None else f", from row {first_row} of the data"
        error.args = (
            f"In partition {index}{where} (rows counted from its first below): "
            f"{error.args[0] if error.args else ''}",
            *error.args[1:],
        )


def encode_partition(
    template, y, sample_weight, class_weights, dtype, name, index=None, first_row=None
):
    """(target as the network takes it, row weights or None, summary) of one partition.

    ``template`` holds the learned targets (``classes_``...). ``class_weights`` (one per class,
    or None) multiply the sample weights. The summary holds the partition's total weight per
    class (classifiers with one label per row) or its total weight. Errors are prefixed as
    ``check_partition``'s.
    """
    try:
        target = template._dask_encode(y, dtype, name)
    except ValueError as error:
        _name_partition(error, index, first_row)
        raise
    row_weights = sample_weight
    indices = template._dask_class_indices(target)
    if class_weights is not None:
        by_class = class_weights[indices]
        row_weights = by_class if sample_weight is None else sample_weight * by_class
    summary = {
        "weight": float(len(target) if row_weights is None else row_weights.sum()),
        "class_totals": None
        if indices is None
        else np.bincount(indices, weights=row_weights, minlength=len(template.classes_)),
    }
    return target, row_weights, summary


def held_out_rows(n_rows, n_held, seed):
    """The rows of one partition held out for early stopping: ``n_held`` random ones (a mask)."""
    mask = np.zeros(n_rows, dtype=bool)
    mask[np.random.RandomState(seed).permutation(n_rows)[:n_held]] = True
    return mask


def held_out_counts(sizes, fraction, random_state):
    """How many rows each partition holds out, ``fraction`` of the whole data in all.

    As scikit-learn's ``train_test_split`` rounds a test fraction (up, and one row at least
    left to train on), shared among the partitions in proportion to their sizes (largest
    remainders, ties at random): small partitions do not hold out more than the fraction.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    n_rows = int(sizes.sum())
    total = min(n_rows - 1, int(np.ceil(fraction * n_rows))) if n_rows >= 2 else 0
    quotas = total * sizes / max(n_rows, 1)
    counts = np.floor(quotas).astype(np.int64)
    remainders = quotas - counts + 1e-9 * random_state.uniform(size=len(sizes))
    counts[np.argsort(-remainders)[: total - int(counts.sum())]] += 1
    return counts


# ---------------------------------------------------------------------- on the client


class WorkerData:
    """The partitions of one data set on the workers (futures), and what is known of them.

    Attributes are lists with one entry per non-empty partition: ``X``, ``y`` (the validated
    targets, until ``encode`` replaces them with ``target``), ``weight`` (futures, or None
    entries without weights) and ``summaries`` (the first pass's, on the client).
    """

    def __init__(self, client, template, X, y, sample_weight, reset):
        x_parts, y_parts, weight_parts = input_partitions(X, y, sample_weight)
        rows = row_chunks(X)
        starts = np.cumsum([0, *rows[:-1]]) if _known(rows) else [None] * len(x_parts)
        checked = [
            delayed(check_partition, nout=4, pure=True)(
                template, x, y_part, w, reset, index, None if start is None else int(start)
            )
            for index, (x, y_part, w, start) in enumerate(
                zip(x_parts, y_parts, weight_parts, starts)
            )
        ]
        # Only the summaries come back; the arrays stay where they were computed.
        futures = client.compute([part for parts in checked for part in parts])
        summaries = client.gather(futures[3::4])
        keep = [i for i, summary in enumerate(summaries) if summary["n_rows"]]
        if not keep:
            raise no_rows_error(X)
        self.client = client
        self.places = [(i, None if starts[i] is None else int(starts[i])) for i in keep]
        self.X = [futures[4 * i] for i in keep]
        self.y = [futures[4 * i + 1] for i in keep]
        self.weight = [futures[4 * i + 2] if sample_weight is not None else None for i in keep]
        self.summaries = [summaries[i] for i in keep]
        self.sizes = [summary["n_rows"] for summary in self.summaries]
        self.n_samples = int(sum(self.sizes))
        self.target = None
        self.held_out = None
        del futures

    def check_consistent(self, reset_names=True):
        """(n_features, dtype, feature names) common to every partition; raise where not."""
        first = self.summaries[0]
        for summary in self.summaries[1:]:
            if summary["n_features"] != first["n_features"]:
                raise ValueError(
                    "The partitions of X have different numbers of columns: "
                    f"{first['n_features']} and {summary['n_features']}."
                )
            names, first_names = summary["feature_names"], first["feature_names"]
            if (names is None) != (first_names is None) or (
                names is not None and list(names) != list(first_names)
            ):
                raise ValueError("The partitions of X have different column names.")
        dtypes = {np.dtype(summary["dtype"]) for summary in self.summaries}
        dtype = np.float32 if dtypes == {np.dtype(np.float32)} else np.float64
        return first["n_features"], np.dtype(dtype), first["feature_names"]

    def encode(self, template, class_weights, dtype, name="y"):
        """Second pass: targets and row weights (see ``encode_partition``); the summaries."""
        submit = self.client.submit
        encoded = [
            submit(encode_partition, template, y, w, class_weights, dtype, name, *place, pure=False)
            for y, w, place in zip(self.y, self.weight, self.places)
        ]
        self.target = [submit(operator.getitem, part, 0, pure=False) for part in encoded]
        has_weights = class_weights is not None or any(w is not None for w in self.weight)
        self.weight = [
            submit(operator.getitem, part, 1, pure=False) if has_weights else None
            for part in encoded
        ]
        summaries = self.client.gather(
            [submit(operator.getitem, part, 2, pure=False) for part in encoded]
        )
        self.y = None  # the validated labels are no longer needed on the workers
        self.X = [
            submit(_as_dtype, x, dtype, pure=False)
            if np.dtype(s["dtype"]) != np.dtype(dtype)
            else x
            for x, s in zip(self.X, self.summaries)
        ]
        return summaries

    def hold_out(self, fraction, random_state):
        """Masks of the rows held out for early stopping, one per partition (futures)."""
        counts = held_out_counts(self.sizes, fraction, random_state)
        seeds = random_state.randint(np.iinfo(np.int32).max, size=len(self.sizes))
        self.held_out = [
            self.client.submit(held_out_rows, n, int(held), int(seed), pure=False)
            for n, held, seed in zip(self.sizes, counts, seeds)
        ]
        return [int(held) for held in counts]

    def release(self):
        """Let the workers forget this data (the futures are dropped)."""
        self.X = self.y = self.target = self.weight = self.held_out = None


def _as_dtype(X, dtype):
    return X.astype(dtype)
