#!/usr/bin/env bash
# One GPU session (the device tool's machine; its image has torch): install minidl without dependencies,
# run the cuda-marked tests and the GPU benchmark, and leave everything under $OUT.
#     bash benchmarks/gpu_session.sh      (about 6-8 minutes; each part has its own time limit)
set -uo pipefail
OUT=${OUT:-gpu-results}
mkdir -p "$OUT"
# no network there: no build isolation (setuptools from the image), no dependencies (say which are missing)
pip install -q --no-deps --no-build-isolation -e . -e plugins/minidl-extra > "$OUT/install.log" 2>&1
python -c "import importlib.util as u; print('missing:', [m for m in ('torch', 'pluggy', 'msgpack', 'pytest', \
'textual', 'hypothesis') if u.find_spec(m) is None])" | tee -a "$OUT/install.log"
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1
timeout 200 python -m pytest -m cuda tests/workflow/test_cuda.py -q -p no:cacheprovider -rs > "$OUT/pytest-cuda.txt" 2>&1
echo "pytest -m cuda: status $?" | tee -a "$OUT/pytest-cuda.txt"
timeout 330 python benchmarks/bench_gpu.py --output "$OUT/bench_gpu.md" > "$OUT/bench_gpu.log" 2>&1
echo "bench_gpu.py: status $?" | tee -a "$OUT/bench_gpu.log"
tail -n 5 "$OUT/pytest-cuda.txt" "$OUT/bench_gpu.log"
