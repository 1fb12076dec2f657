"""Compiled kernels (numba): an epoch of mini-batches in one call, on one thread or on two.

Imported by ``_compiled.NumbaOps.epoch_kernel`` where the compiled kernels load, never by
``import sktanhnet``. ``train_epoch_part`` runs the epoch's batch loop (``_numba_kernels``'
batch_gradient, batch_penalty and batch_step) on one thread, or, where two threads run it at
once, half of each batch's rows and a range of its step on each; they wait for each other by
spinning on shared flags (``_meet``), read and written atomically, instead of a Python call and
a thread hand-over per batch (about 40 microseconds each, as much as a small network's batch).
"""

import os
import platform

from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from ._numba_kernels import (
    batch_gradient,
    batch_normalizer,
    batch_penalty,
    batch_step,
    first_layer_columns,
    first_layer_gradient,
    first_layer_sum,
)
from ._numba_math import _OPTIONS

# numba's cache of a function checks its own file's content only, yet keeps its callees'
# compiled code: this is the SHA-256 of ``_numba_kernels.py``, so that a change there changes
# this file too (tests/test_compiled.py compares it, and gives the line to write).
CALLEE_DIGEST = "ddeee06810ff195fccd7f4f02b39fa5ca10eaeebd7bd18f12b28c20b79039118"

__all__ = ["train_epoch_part", "ALONE", "SYNC_SIZE", "ABORT"]


# ``train_epoch_part``'s shared flags: each thread's count of meetings, a cache line apart, and
# ABORT, set (from Python) where one thread's part failed, so that the other stops waiting.
SYNC_SIZE, ABORT = 24, 16
ALONE = -1  # the role of a thread that runs the whole epoch by itself (the others: 0 and 1)
# A thread that waits this many spins (a PAUSE each: some tens of microseconds) yields its
# processor from then on, in case the other thread waits for it on the same one.
SPINS = 1000


def _flag_pointer(context, builder, signature, args):
    array = context.make_array(signature.args[0])(context, builder, args[0])
    index = context.cast(builder, args[1], signature.args[1], types.intp)
    return cgutils.get_item_pointer(context, builder, signature.args[0], array, [index])


@intrinsic
def _load_acquire(typingctx, flags, index):
    """flags[index] (int64), an atomic load with acquire order: read anew on each pass of a
    loop, and what the other thread wrote before its ``_store_release`` is seen after it."""

    def codegen(context, builder, signature, args):
        pointer = _flag_pointer(context, builder, signature, args)
        return builder.load_atomic(pointer, "acquire", 8)

    return types.int64(flags, index), codegen


@intrinsic
def _store_release(typingctx, flags, index, value):
    """flags[index] = value (int64), an atomic store with release order."""

    def codegen(context, builder, signature, args):
        pointer = _flag_pointer(context, builder, signature, args)
        value = context.cast(builder, args[2], signature.args[2], types.int64)
        builder.store_atomic(value, pointer, "release", 8)
        return context.get_dummy_value()

    return types.void(flags, index, value), codegen


@intrinsic
def _pause(typingctx):
    """The processor's spin-wait hint (x86's PAUSE, ARM's YIELD; nothing elsewhere): a waiting
    thread leaves the core's resources to the other (a hyperthread sibling, or the host's)."""

    def codegen(context, builder, signature, args):
        machine = platform.machine().lower()
        if machine in ("x86_64", "amd64", "i686", "x86"):
            pause = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(ir.VoidType(), []), "llvm.x86.sse2.pause"
            )
            builder.call(pause, [])
        elif machine in ("aarch64", "arm64"):
            builder.asm(ir.FunctionType(ir.VoidType(), []), "yield", "", [], True)
        return context.get_dummy_value()

    return types.void(), codegen


@intrinsic
def _yield(typingctx):
    """sched_yield() where there is one (POSIX): the processor to another thread of its queue."""

    def codegen(context, builder, signature, args):
        if os.name == "posix":
            yield_ = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(ir.IntType(32), []), "sched_yield"
            )
            builder.call(yield_, [])
        return context.get_dummy_value()

    return types.void(), codegen


@njit(inline="always", **_OPTIONS)
def _meet(sync, role, count):
    """Wait for the other thread's ``count``-th meeting (this is this thread's); False where the
    other one failed. A spin: the two threads meet twice per batch, a few microseconds apart."""
    _store_release(sync, 8 * role, count)
    spins = 0
    while _load_acquire(sync, 8 * (1 - role)) < count:
        if _load_acquire(sync, ABORT) != 0:
            return False
        if spins < SPINS:
            spins += 1
            _pause()
        else:
            _yield()
    return True


@njit(**_OPTIONS)
def train_epoch_part(
    role,
    X,
    order,
    classes,
    indicator,
    values,
    row_weights,
    batch_size,
    params,
    grad,
    other,
    layers,
    alpha,
    first,
    second,
    velocity,
    segments,
    hyper,
    t,
    row_major,
    split_at,
    batch_rows,
    batch_delta,
    buffers,
    sync,
    halves,
    shared,
):
    """One epoch of mini-batches: gather, forward, loss, backward, update, with no Python call
    per batch (on small and deep networks those calls cost as much as the arithmetic).

    ``_training.run_stochastic``'s batch loop with every pass of ``_network.loss_and_gradient``
    and of the optimizer's ``step`` in their order. The products are BLAS's (numba's ``np.dot``,
    through SciPy's BLAS), the elementwise passes ``_numba_math``'s. Layouts are the workspace's
    (feature-major, ``_layout.Workspace``), with each bias added to its product (eq 1) rather
    than folded into it.

    ``role`` ALONE: this thread runs every batch, its gradient in ``grad`` (``other`` empty).
    Roles 0 and 1: two threads run this at once, each with its ``buffers``: per batch, role 0
    computes the gradient of the batch's first half of rows into ``grad``, role 1 that of the
    second half into ``other``, with the L2 term's loss (into ``shared``); they meet; each takes
    its range of the optimizer's step on grad + other (``params[:halves]`` and
    ``params[halves:]``; role 0 all of it where ``halves`` is 0); they meet again. The meetings
    are spins on ``sync`` (zeros at the start).

    ``order``: the epoch's rows, in order; the targets: ``classes`` (n,) int64 for (h1),
    ``indicator`` (n, k) for (h2) or ``values`` (n, k) for (h3), the other two None (numba
    compiles the one head, and the one optimizer, that a fit runs); ``row_weights`` None or the
    weight of each row (float64: the losses' and the normalisers'); ``layers`` an
    (L, 4) int64 array of [coef start, intercept start, fan_in, fan_out] in ``params``;
    ``first``, ``second`` and ``velocity`` the optimizer's state (Adam's two moments and None;
    None, None and SGD's velocity); ``hyper`` its float64 settings (Adam: lr_init, b1, b2, eps;
    SGD: lr, momentum, nesterov); ``t`` Adam's step count; ``row_major`` as in
    ``batch_gradient``.

    ``split_at`` > 0 (two threads; a first layer that holds most of the weights): the first
    layer is split between the threads by inputs instead of rows. Role 0 takes inputs
    ``:split_at``, role 1 ``split_at:``; each gathers those columns of the whole batch's rows
    into its block of ``batch_rows`` and writes its part of the first product into
    ``batch_delta`` (``first_layer_columns``: after delta_1^T's room, role 0's part then role
    1's); they meet; each adds the two parts for its half of the rows (``first_layer_sum``) and
    goes on as above, writing its rows' delta_1^T into ``batch_delta``; after the second
    meeting, each computes its inputs' rows of W_1's gradient over the whole batch into ``grad``
    (``first_layer_gradient``), and ``halves`` is where the second's begin, so that each thread
    steps the rows it computed, with no second gradient to add there. So each thread reads and
    writes only its own half of W_1, its gradient and its optimizer's state, and only its own
    columns of X, in its core's cache: the other thread's part of the products and deltas is all
    that crosses between the cores. The next batch's first meeting comes before anything the
    other thread steps is read, so there is no second meeting per batch.
    Returns (the sum over batches of loss x rows, which role 1's is not; t).
    """
    n_samples = order.shape[0]
    size = params.shape[0]
    n_features = X.shape[1]
    # given only where the first layer is split by inputs (two threads; None otherwise, and
    # then numba drops this code, which a cold start need not compile)
    by_inputs = batch_rows is not None
    # the end of the first layer's weights: there, with ``by_inputs``, no second gradient to add
    first_end = layers[0, 0] + layers[0, 2] * layers[0, 3] if by_inputs else 0
    # by inputs: this thread's inputs (gathered into ``batch_rows`` from the batch's rows times
    # the first of them), and the two threads' parts of the first layer's product (after
    # delta_1^T in ``batch_delta``)
    inputs = (0, split_at) if role == 0 else (split_at, n_features)
    room = batch_size * layers[0, 3]
    total = 0.0
    meetings = 0
    for start in range(0, n_samples, batch_size):
        stop = min(start + batch_size, n_samples)
        normalizer = batch_normalizer(order, start, stop, row_weights)
        if normalizer <= 0.0:
            continue  # every row of this batch has weight 0: nothing to learn from it
        if role == ALONE:
            lo, hi, split = start, stop, False
        else:
            middle = start + (stop - start + 1) // 2
            split = middle < stop
            lo, hi = (start, middle) if role == 0 else (middle, stop)
        if by_inputs:  # eq 1's first product: this thread's inputs, the whole batch; then Z_1
            mine = batch_delta[room * (1 + role) :]
            first_layer_columns(
                X, order, start, stop, *inputs, batch_rows[batch_size * inputs[0] :], params,
                layers[0], row_major, mine,
            )  # fmt: skip
            meetings += 1
            if not _meet(sync, role, meetings):
                break
            if lo < hi:  # of this thread's rows, from both parts
                first_layer_sum(
                    batch_delta[room:], batch_delta[2 * room :], stop - start, lo - start,
                    hi - start, params, layers[0], row_major, buffers[1][0],
                )  # fmt: skip
        data_loss = 0.0
        if lo < hi:
            data_loss = batch_gradient(
                X,
                order,
                lo,
                hi,
                classes,
                indicator,
                values,
                row_weights,
                normalizer,
                params,
                grad if role != 1 else other,
                layers,
                buffers,
                row_major,
                by_inputs,
            )
            if by_inputs:  # this thread's columns of delta_1^T, for both threads' products
                units, own = layers[0, 3], hi - lo
                deltas = buffers[2]
                for j in range(units):
                    for i in range(own):
                        batch_delta[j * batch_size + lo - start + i] = deltas[0, j * own + i]
        # the L2 term's loss, before the update: each thread sums a range of the weights (by
        # inputs, the one it steps: its rows of W_1 stay in its core's cache)
        if by_inputs:
            low, high = (0, halves) if role == 0 else (halves, size)
        else:
            low, high = (size // 2, size) if role == 1 else (0, size // 2 if role == 0 else size)
        penalty = batch_penalty(params, layers, alpha, normalizer, low, high)
        if role != 0:  # role 1's losses for role 0
            shared[0] = data_loss if role == 1 else 0.0
            shared[1] = penalty
        meetings += 1
        if role != ALONE and not _meet(sync, role, meetings):
            break
        if by_inputs:  # eq 8, 12 for the first layer: this thread's inputs, the whole batch
            first_layer_gradient(
                batch_rows[batch_size * inputs[0] :], stop - start, batch_delta, batch_size,
                grad, layers[0], *inputs,
            )  # fmt: skip
        if second is not None:  # Adam's
            t += 1
        added = other if split else other[:0]
        if role != 1 or halves > 0:
            lo = halves if role == 1 else 0
            hi = halves if role == 0 and halves > 0 else size
            middle = max(lo, min(hi, first_end))
            if middle > lo:  # the first layer's rows that this thread computed, by inputs
                batch_step(
                    params, grad, other[:0], lo, middle, alpha, normalizer, first, second,
                    velocity, segments, hyper, t,
                )  # fmt: skip
            batch_step(
                params, grad, added, middle, hi, alpha, normalizer, first, second, velocity,
                segments, hyper, t,
            )  # fmt: skip
        own = penalty if role == 0 else 0.0  # role 1's (and one thread's) is in shared[1]
        total += ((data_loss + shared[0]) / normalizer + shared[1] + own) * (stop - start)
        if by_inputs:
            # no second meeting: the next batch's first product reads only this thread's rows
            # of W_1, and its first meeting comes before anything the other thread steps
            continue
        meetings += 1
        if role != ALONE and not _meet(sync, role, meetings):
            break
    return total, t
