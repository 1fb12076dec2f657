"""Independent chunks of rows on several threads, each with a one-thread BLAS.

Prediction, and L-BFGS's full-batch loss and gradient, pass the rows through the network in
chunks that do not depend on one another. Run one after the other, each chunk's matrix products
use every core (BLAS threads), but its elementwise passes (tanh, softmax) use one; and right
after a product BLAS's idle worker threads keep spinning on the other cores, so splitting only
the elementwise passes between threads gains nothing. Here each of W threads takes whole chunks,
and BLAS is held to one thread while they run: products and elementwise passes alike run on
every core.

W is the number of threads BLAS was set to use (``OPENBLAS_NUM_THREADS``, threadpoolctl, a joblib
worker's limit), so a user's limit is respected: with BLAS at one thread, everything stays on the
calling thread. While the threads run, BLAS calls from other threads of the process use one
thread, as during scikit-learn's own KMeans fit; the thread that changed the setting restores it
when its call ends (calls on other threads meanwhile share it, and go on without it).

Each row's result is the same whichever thread computes it, and L-BFGS sums its chunks in fixed
groups (``_lbfgs.full_loss_and_gradient``): the output does not depend on W. It may depend, in
its last bit, on BLAS's own thread count, which rounds a product otherwise: a call sharing
another's hold goes on with BLAS's threads once that hold ends (about 1e-16 apart).

Mini-batch training with the compiled kernels claims two threads the same way
(``claimed_cores``, ``_training._epoch_plan``): each batch's two halves at once, one on a helper
thread, BLAS on one thread in each. Since those two threads wait for each other twice per batch,
on Linux each is kept on its own processor while an epoch runs (``processor_pair``, ``pin``).
"""

import itertools
import os
import threading
from contextlib import contextmanager

import numpy as np

# Fewer chunks than this run on the calling thread: starting threads costs about 0.1 ms.
MIN_CHUNKS = 2

_lock = threading.Lock()
# The hold of BLAS at one thread: the thread that set it (``_hold``), which alone restores it,
# when the last of its own nested holds ends (``_depth``); holds on other threads meanwhile share
# it (``_sharers``: calls running beside it, which take no cores of their own).
_owner = None
_depth = 0
_sharers = 0
_limiter = None  # threadpoolctl's record of the BLAS settings to restore
_controller = None  # threadpoolctl's controller of the BLAS libraries (``_blas``)


def _blas():
    """threadpoolctl's controller of the BLAS libraries, made once (under ``_lock``).

    Making one reads the process's loaded libraries (a few milliseconds): once is enough, since
    NumPy's and SciPy's BLAS are loaded by the time anything here runs (``import sktanhnet``
    imports scikit-learn, which imports both). Thread counts are read live from the libraries.
    """
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController  # a dependency of scikit-learn

        _controller = ThreadpoolController().select(user_api="blas")
    return _controller


def _blas_threads(blas):
    """The most threads any of the BLAS libraries is set to use now (read live)."""
    return max((lib.num_threads for lib in blas.lib_controllers), default=1)


def _cpu_count():
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _claim_workers(n_chunks):
    """Number of threads for ``n_chunks`` chunks; above 1, BLAS is now held to one thread."""
    if n_chunks < MIN_CHUNKS:
        return 1
    with _lock:
        if _owner is not None or _sharers:
            # Another call holds the cores (and BLAS at one thread): share them, do not add.
            return 1
        blas = _blas()
        workers = min(n_chunks, _blas_threads(blas), _cpu_count())
        if workers > 1 and not _hold(blas):
            return 1
        return workers


def _hold(blas):
    """Set BLAS to one thread from this thread (under ``_lock``, nothing held); False where it
    did not take.

    threadpoolctl (3.8 and later) lets one thread at a time set OpenBLAS's process-wide thread
    count: the first to set it, until a ``with`` block of its own ends; calls from any other
    thread do nothing. So the setting is taken as a ``with`` block would, entered here and
    exited by ``_release_workers`` on the same thread, and checked: where another thread holds
    the setting (a user's ``threadpool_limits`` block on another thread), BLAS keeps its threads
    and the call runs on one.
    """
    global _owner, _depth, _limiter
    limiter = blas.limit(limits=1)
    limiter.__enter__()
    if _blas_threads(blas) != 1:
        limiter.__exit__(None, None, None)
        return False
    _owner, _depth, _limiter = threading.current_thread(), 1, limiter
    return True


# Mini-batch training holds BLAS to one thread where every product of a batch is smaller than
# this many multiply-adds (rows x fan_in x fan_out). Measured on a 2-core machine (AVX-512 and
# emulated AVX2): with products of about a million multiply-adds (digits' 200 x 64 x 100, six
# layers of 64), an epoch runs 1.3 to 1.7 times faster on a one-thread BLAS, since a product that
# small gains less from a second thread than the hand-over between the elementwise passes and
# BLAS's threads costs; from about 16 million (200 x 256 x 256) on, the measurements vary from
# run to run and BLAS keeps its threads.
SMALL_PRODUCT = 2**23


@contextmanager
def single_thread_blas(enabled=True):
    """Hold BLAS to one thread while the block runs, if ``enabled`` and it has more.

    Shares a hold already taken (``map_chunks``, another thread's): the thread that took it
    restores it when its own outermost hold ends. Within a user's limits by construction (it
    only ever lowers the number of threads).
    """
    held = False
    if enabled:
        held = _hold_single_thread()
    try:
        yield
    finally:
        if held:
            _release_workers()


def _hold_single_thread():
    global _depth, _sharers
    with _lock:
        if _owner is threading.current_thread():
            _depth += 1  # a hold within this thread's own: nested
            return True
        if _owner is not None:
            _sharers += 1  # already at one thread: share the hold
            return True
        blas = _blas()
        return _blas_threads(blas) > 1 and _hold(blas)


def _release_workers():
    """The end of a hold (``_claim_workers``, ``_hold_single_thread``). The thread that set BLAS
    to one thread restores it when its outermost hold ends, whether or not calls on other threads
    that shared the hold still run (they go on with BLAS's threads: a call that shares runs on
    one thread, and its arithmetic does not depend on BLAS's); the next hold sets it again."""
    global _owner, _depth, _sharers, _limiter
    with _lock:
        if _owner is not threading.current_thread():
            _sharers = max(0, _sharers - 1)
            return
        _depth -= 1
        if not _depth:
            _limiter.__exit__(None, None, None)
            _owner = _limiter = None


def _reset_after_fork():
    """A child process forked while a thread of its parent held the cores has that thread no
    more: it starts with nothing held, and BLAS's threads as they were before the hold. (Forked
    by the holding thread itself, it goes on with that thread's hold.)"""
    global _lock, _owner, _depth, _sharers, _limiter
    _lock = threading.Lock()
    _sharers = 0
    if _owner is None or _owner is threading.current_thread():
        return
    limiter = _limiter
    _owner, _depth, _limiter = None, 0, None
    try:
        limiter.__exit__(None, None, None)
    except Exception:  # noqa: BLE001 (a child that cannot restore them keeps one thread)
        pass


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


def processor_pair():
    """Linux: (the calling thread's processor, the next one it may run on), for two threads that
    wait for each other; None elsewhere, or with one processor allowed. Left to the scheduler, a
    new thread often starts on its parent's processor, and two threads that spin in turn there
    ran a small network's epochs 2.3 times as long, until one of them was moved. The next
    processor after the caller's (not the first of the set): processes that the scheduler spread
    over a large machine, joblib's workers for instance, keep their pairs apart."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
        with open("/proc/thread-self/stat") as stat:  # field 39: the processor it last ran on
            here = int(stat.read().rsplit(")", 1)[1].split()[36])
    except (AttributeError, OSError, ValueError, IndexError):
        return None
    if here not in allowed or len(allowed) < 2:
        return None
    return here, allowed[(allowed.index(here) + 1) % len(allowed)]


def pin(cpu):
    """Keep the calling thread on processor ``cpu``; returns the set it had (for ``unpin``), or
    None where that cannot be done."""
    try:
        former = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {cpu})
        return former
    except (AttributeError, OSError):
        return None


def unpin(former):
    """Give the calling thread back the processors ``pin`` took from it."""
    if former is not None:
        try:
            os.sched_setaffinity(0, former)
        except OSError:
            pass


@contextmanager
def claimed_cores(wanted):
    """The number of threads a block may run (at most ``wanted``; above 1, BLAS is held to one
    thread until the block ends), as ``map_chunks`` claims them: within the user's BLAS limit
    and the machine's cores, and 1 while another call holds them."""
    workers = _claim_workers(wanted)
    try:
        yield workers
    finally:
        if workers > 1:
            _release_workers()


def map_chunks(n_chunks, make_state, work, threads=True):
    """Call ``work(state, i)`` for each chunk i in [0, n_chunks), on one or more threads.

    With ``threads=False`` (arrays of another namespace, whose library has threads or a device
    of its own), every chunk runs on the calling thread.

    Each thread first calls ``make_state()`` (its own scratch buffers: nothing is shared but
    what ``work`` writes, which must be disjoint per chunk), and runs under the caller's NumPy
    floating-point error settings (``np.errstate`` is per thread). The first exception raised by
    any thread is raised here, after all threads stop.
    """
    workers = _claim_workers(n_chunks) if threads else 1
    if workers == 1:
        state = make_state()
        for i in range(n_chunks):
            work(state, i)
        return
    try:
        chunks = itertools.count()  # next() on it is atomic under the GIL
        errors = []
        error_settings = np.geterr()

        def run():
            try:
                with np.errstate(**error_settings):
                    state = make_state()
                    for i in chunks:
                        if i >= n_chunks or errors:
                            break
                        work(state, i)
            except BaseException as error:  # raised again below, on the calling thread
                errors.append(error)

        threads = [threading.Thread(target=run, daemon=True) for _ in range(workers - 1)]
        for thread in threads:
            thread.start()
        run()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
    finally:
        _release_workers()
