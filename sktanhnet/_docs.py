"""The parameter and attribute docs that TanhMLPClassifier and TanhMLPRegressor share.

Each estimator's docstring names a shared section by a line ``<section name>``; ``fill_docstring``
puts the text in its place when the class is defined, so that ``help()``, numpydoc and Sphinx
see one whole numpydoc docstring and the text is written once.
"""

SECTIONS = {
    "activation parameter": """\
    activation : {"tanh"}, default="tanh"
        The hidden layers' activation: tanh, the only one. Taken so that code written for
        scikit-learn's MLP, ``activation="tanh"`` included, runs unchanged; any other value
        raises ``InvalidParameterError``.
""",
    "solver parameters": """\
    solver : {"lbfgs", "sgd", "adam"}, default="adam"
        "lbfgs": full-batch L-BFGS-B from scipy; "sgd": mini-batch SGD with momentum;
        "adam": mini-batch Adam.

    alpha : float, default=0.0001
        Strength of the L2 penalty, divided by the number of rows (or the sum of the weights).

    batch_size : int or "auto", default="auto"
        Mini-batch size for the stochastic solvers; "auto" is ``min(200, n_samples)``.

    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Learning-rate schedule of the "sgd" solver.

    learning_rate_init : float, default=0.001
        Initial learning rate of "sgd" and "adam".

    power_t : float, default=0.5
        Exponent of the "invscaling" schedule.

    max_iter : int, default=200
        Maximum number of epochs ("sgd", "adam") or of iterations ("lbfgs").

    shuffle : bool, default=True
        Whether to shuffle the rows at each epoch ("sgd", "adam").

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling and the early-stopping split.

    tol : float, default=1e-4
        Training stops when the loss (or the validation score, with early stopping) has not
        improved by at least ``tol`` for ``n_iter_no_change`` epochs.

    verbose : bool or int, default=False
        Print the loss (and validation score) after each epoch, after a first line naming the
        kernels that run: ``numba (compiled)`` with the ``fast`` extra, ``numpy`` (and why)
        without it or with ``SKTANHNET_KERNELS=numpy``, or the array namespace under dispatch.

    warm_start : bool, default=False
        Reuse the weights of the previous fit as the starting point.

    momentum : float, default=0.9
        Momentum of the "sgd" solver, in [0, 1].

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with "sgd".
""",
    "stopping parameters": """\
    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping, in (0, 1).

    beta_1 : float, default=0.9
        Decay of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Epochs without improvement by ``tol`` before stopping ("sgd", "adam").

    max_fun : int, default=15000
        Maximum number of loss evaluations ("lbfgs").
""",
    "fitted attributes": """\
    coefs_ : list of ndarray of shape (fan_in, fan_out)
        Weight matrix of each layer. Assignable, as in scikit-learn.

    intercepts_ : list of ndarray of shape (fan_out,)
        Bias vector of each layer. Assignable.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when they are all strings.

    n_iter_ : int
        Number of epochs (or L-BFGS iterations) run by the last call.

    t_ : int
        Number of training rows seen by the stochastic solvers.

    loss_ : float
        Training loss at the end of the last call.

    best_loss_ : float or None
        Lowest training loss reached; None with early stopping, as in scikit-learn.

    loss_curve_ : list of float
        Training loss after each epoch (or L-BFGS iteration).

    validation_scores_ : list of float or None
        Validation score after each epoch (or L-BFGS iteration), when there is validation data;
        aligned with ``loss_curve_``, NaN for the epochs of a fit that had none (with
        ``warm_start`` or ``partial_fit``, before or after one that had).
""",
    "layer attributes": """\
    best_validation_score_ : float or None
        Best validation score, when there is validation data (of every fit that had some).
        The model is that epoch's only with early stopping; without it (``X_val`` only
        recorded, or L-BFGS) the model is the last epoch's, whose score is
        ``validation_scores_[-1]``.

    n_layers_ : int
        Number of layers, input and output included.
""",
}


def fill_docstring(cls):
    """Class decorator: each ``<section name>`` line of the docstring replaced by its text."""
    doc = cls.__doc__
    for name, text in SECTIONS.items():
        doc = doc.replace(f"    <{name}>\n", text)
    cls.__doc__ = doc
    return cls
