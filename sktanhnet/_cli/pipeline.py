"""The pipeline the command line trains and saves: the columns' preprocessing, then the network.

A table's columns go through scikit-learn's own transformers, inside the pipeline, so that a
model saved with --save applies the same steps to the rows it predicts: numbers have their
missing values filled in with the column's median and are standardized; text is filled in with
its most frequent value and one-hot encoded, a value not seen in training ignored (all zeros).
"""

import numpy as np

from .messages import InputError, note

#: The names of the ColumnTransformer's parts; --model reads which columns are text from them.
NUMBERS, TEXT = "numbers", "text"


def build_network(args, task):
    """The TanhMLPClassifier, or the TanhMLPRegressor (on a standardized target for squared
    error), with the command line's options."""
    from sktanhnet import TanhMLPClassifier, TanhMLPRegressor

    regression = task == "regression"
    options = dict(
        hidden_layer_sizes=args.hidden,
        solver=args.solver,
        alpha=args.alpha,
        batch_size=args.batch_size,
        learning_rate_init=args.learning_rate_init,
        max_iter=args.max_iter,
        early_stopping=args.early_stopping,
        random_state=args.random_state,
        verbose=not args.quiet,
    )
    if not regression:
        return TanhMLPClassifier(**options)
    network = TanhMLPRegressor(loss=args.loss, **options)
    if args.loss == "poisson":  # counts as they are: the exp output predicts them on their scale
        return network
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.preprocessing import StandardScaler

    # The network trains on a standardized target, as it does on standardized features;
    # predictions come back in the target's own units.
    return TransformedTargetRegressor(network, transformer=StandardScaler())


def bundled_pipeline(network):
    """Bundled data (numbers, nothing missing): standardized, as it always was."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), network)


def table_pipeline(network, X, features, kinds, missing_counts, source, written=""):
    """Pipeline([("columns", ColumnTransformer), ("network", network)]) for a table's columns;
    a note announces each step that changes values: the one-hot encoding, the filling in (with
    ``written``, ``missing_written_as``'s tail)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numbers = [j for j, kind in enumerate(kinds) if kind == "number"]
    text = [j for j, kind in enumerate(kinds) if kind == "text"]
    parts = []
    if numbers:
        check_scalable(X[:, numbers].astype(np.float64), [features[j] for j in numbers])
        steps = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
        parts.append((NUMBERS, steps, numbers))
    if text:
        counts = [len({value for value in X[:, j] if isinstance(value, str)}) for j in text]
        note(
            f"{source}: one-hot encoding {len(text)} text column{'s' * (len(text) > 1)} "
            f"({sum(counts)} values): "
            + ", ".join(f"{features[j]!r} ({count})" for j, count in zip(text, counts))
            + "; a value not seen in training counts as none of them"
        )
        encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        parts.append((TEXT, make_pipeline(SimpleImputer(strategy="most_frequent"), encoder), text))
    gaps = [f"{features[j]} {count}" for j, count in enumerate(missing_counts) if count]
    if gaps:
        ways = [
            (numbers, "numbers with their column's median"),
            (text, "text with its most frequent"),
        ]
        filled = " and ".join(
            way for columns, way in ways if any(missing_counts[j] for j in columns)
        )
        note(
            f"{source}: filling in {sum(missing_counts)} missing values ({filled} value): "
            + ", ".join(gaps[:8])
            + (", ..." if len(gaps) > 8 else "")
            + written
        )
    columns = ColumnTransformer(parts)
    return Pipeline([("columns", columns), ("network", network)])


def text_columns(model, features):
    """The names of the columns a saved pipeline reads as written, not as numbers: those its
    ColumnTransformer's encoders one-hot encode (as text or bools) or drops (``column_kinds``),
    or an empty set."""
    return {name for name, kind in column_kinds(model, features).items() if kind != "number"}


def column_kinds(model, features):
    """{name: kind} of the columns a saved pipeline's ColumnTransformer encodes or drops:
    "text", "bool" or "number" by its encoder's categories (a pipeline fitted in Python may
    encode a column of numbers), "dropped" where no transformer takes it."""
    first = _column_transformer(model)
    if first is None:
        return {}
    kinds = {}
    for _, transformer, columns in getattr(first, "transformers_", []):
        if isinstance(transformer, str):  # "drop" (or "passthrough": numbers)
            for name in selected_columns(columns, list(features)):
                kinds[name] = "dropped" if transformer == "drop" else "number"
            continue
        encoders = [step for step in _steps(transformer) if type(step).__name__.endswith("Encoder")]
        if encoders:
            categories = getattr(encoders[0], "categories_", None)
            for k, name in enumerate(selected_columns(columns, list(features))):
                kind = np.asarray(categories[k]).dtype.kind if categories is not None else "O"
                kinds[name] = {"b": "bool", "i": "number", "u": "number", "f": "number"}.get(
                    kind, "text"
                )
    return kinds


def _by_name(columns):
    """Whether a ColumnTransformer's ``columns`` name columns (a DataFrame's) rather than
    give their positions or a mask."""
    if isinstance(columns, slice):
        return isinstance(columns.start, str) or isinstance(columns.stop, str)
    values = np.atleast_1d(np.asarray(columns, dtype=object))
    return len(values) > 0 and all(isinstance(value, str) for value in values)


def selected_columns(columns, features):
    """The names among ``features`` that a ColumnTransformer's ``columns`` select (names, a
    slice of names, positions or a mask)."""
    if not _by_name(columns):
        return [features[j] for j in np.atleast_1d(np.arange(len(features))[columns])]
    if isinstance(columns, slice):  # of names: both ends included, as pandas' .loc
        start = 0 if columns.start is None else features.index(columns.start)
        stop = len(features) if columns.stop is None else features.index(columns.stop) + 1
        return features[start:stop]
    return list(np.atleast_1d(np.asarray(columns, dtype=object)))


def _first_step(model):
    """A saved pipeline's first step (a model that is no pipeline: itself)."""
    return model[0] if hasattr(model, "steps") else model


def _column_transformer(model):
    """A saved pipeline's first step where it is a ColumnTransformer, else None."""
    from sklearn.compose import ColumnTransformer

    first = _first_step(model)
    return first if isinstance(first, ColumnTransformer) else None


def _steps(part):
    """The estimators of a pipeline's part: its steps, or itself."""
    return [step for _, step in getattr(part, "steps", [("", part)])]


def fills_in(model):
    """Whether a saved pipeline's first step fills in missing values (holds a SimpleImputer)."""
    first = _first_step(model)
    parts = [part for _, part, _ in getattr(first, "transformers_", [])] or [first]
    return any(type(step).__name__ == "SimpleImputer" for part in parts for step in _steps(part))


def selects_by_name(model):
    """Whether a saved pipeline's first step is a ColumnTransformer that picks columns by name:
    it takes a DataFrame, not an array."""
    first = _column_transformer(model)
    return first is not None and any(
        _by_name(columns) for _, _, columns in getattr(first, "transformers_", [])
    )


def check_scalable(X, names, what="feature column"):
    """Every column can be standardized: its variance does not overflow."""
    with np.errstate(over="ignore", invalid="ignore"):
        variance = np.nanvar(X, axis=0) if np.isnan(X).any() else np.var(X, axis=0)
    bad = np.flatnonzero(np.isinf(variance) | (np.isnan(variance) & ~np.isnan(X).all(axis=0)))
    if len(bad):
        column = names[bad[0]] if names is not None else f"number {bad[0]}"
        raise InputError(
            f"{what} {column!r} holds values too large to standardize (up to "
            f"{np.nanmax(np.abs(X[:, bad[0]])):.3g}); rescale it (divide it by a power of ten)"
        )


def note_unseen_values(model, X, features, source):
    """A note naming the text values a saved pipeline's encoder has not seen: ignored."""
    first = _column_transformer(model)
    if first is None or TEXT not in first.named_transformers_:
        return
    encoder = first.named_transformers_[TEXT][-1]
    selected = dict((name, columns) for name, _, columns in first.transformers_)[TEXT]
    unseen = []
    for j, categories in zip(np.arange(len(features))[selected], encoder.categories_):
        values = sorted({value for value in X[:, j] if isinstance(value, str)} - set(categories))
        if values:
            shown = ", ".join(values[:3]) + (", ..." if len(values) > 3 else "")
            unseen.append(f"{features[j]!r} ({shown})")
    if unseen:
        note(f"{source}: values not seen in training, counted as none: {', '.join(unseen)}")
