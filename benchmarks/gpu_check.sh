#!/usr/bin/env bash
# The GPU checks of the array API path, in one run of under 10 minutes, on a machine with an
# NVIDIA GPU and PyTorch, CuPy and scikit-learn installed (no network needed):
#   1. the array API tests on cuda (tests/test_array_api.py and scikit-learn's array API checks);
#   2. the GPU rows of the benchmark: the large and medium workloads, float32, Adam, on cuda
#      against the NumPy path and a plain PyTorch loop, and predict_proba on 10,000,000 rows.
# array-api-compat (and array-api-strict, optional) must be installable: from PyPI, or from
# wheels in $WHEELS (pip download array-api-compat array-api-strict -d wheels, beforehand).
# Run from the repository root: bash benchmarks/gpu_check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
export SCIPY_ARRAY_API=1 PIP_DISABLE_PIP_VERSION_CHECK=1
if [ -n "${WHEELS:-}" ]; then
    pip install --quiet --no-index --find-links "$WHEELS" array-api-compat array-api-strict
fi
pip install --quiet --no-deps --no-build-isolation -e . || export PYTHONPATH="$PWD"
python -c "import torch, sklearn, array_api_compat; print(torch.__version__, torch.cuda.get_device_name(), 'scikit-learn', sklearn.__version__)"
timeout 240 python -m pytest -q -p no:cacheprovider -rs tests/test_array_api.py \
    tests/test_sklearn_checks.py -k array_api
timeout 330 python benchmarks/bench.py --namespace torch --device cuda \
    --workloads large,medium --dtypes float32 --solvers adam --repeat 2 --output-dir "${OUT:-benchmarks}"
