#!/usr/bin/env bash
# Runs TorchSharp and PyTorch alternately (A B A B) for each model and prints the time ratio pair by pair.
# Needs: a Release build (dotnet build -c Release), MNIST in data/mnist, and Debian's python3-torch with
# OpenBLAS (apt-get install -y python3-torch libopenblas0-pthread). Installs nothing itself.
# Usage: bench/peers/paired.sh [PAIRS=2] [EPOCHS=2] [THREADS=2]
# Prints a Markdown table and also writes it to bench/PAIRED.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs=${1:-2}; epochs=${2:-2}; threads=${3:-2}
workbook=tools/Workbook/bin/Release/net10.0/Workbook.dll
[ -f "$workbook" ] || { echo "build first: dotnet build -c Release" >&2; exit 2; }
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "needs Debian's python3-torch (apt-get install -y python3-torch libopenblas0-pthread)" >&2; exit 2; }
# Fair peer: PyTorch on OpenBLAS, one BLAS thread per torch thread; the machine's OpenBLAS tuning variables unset here only.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
openblas=$(ls /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 2>/dev/null || true)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { /usr/bin/python3 -c "import sys,statistics; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
out=bench/PAIRED.md
{
  echo "Paired runs, $(date -u +%Y-%m-%d), $threads thread(s), median seconds per epoch over $epochs epoch(s); PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') with OpenBLAS."
  echo
  echo "| model | pair | TorchSharp s/epoch | PyTorch s/epoch | ratio TorchSharp / PyTorch | at most 0.8 (1.25 × PyTorch's throughput) |"
  echo "|---|---:|---:|---:|---:|---|"
} > "$out"
for model in simple-rnn lstm gru; do
  for pair in $(seq 1 "$pairs"); do
    dotnet "$workbook" bench --model "$model" --epochs "$epochs" --threads "$threads" --kernels fused --out "$tmp/ts" > "$tmp/ts.log"
    ts=$(/usr/bin/python3 -c "import json; r=json.load(open('$tmp/ts/results.json')); import statistics; print(statistics.median(r['models'][0]['epochSeconds']))")
    LD_LIBRARY_PATH="$(dirname "${openblas:-/nonexistent}")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OPENBLAS_NUM_THREADS=1 \
      /usr/bin/python3 bench/peers/pytorch_rnn.py --data data/mnist --model "$model" --epochs "$epochs" --threads "$threads" > "$tmp/pt.log"
    pt=$(median $(/usr/bin/python3 -c "import json,sys; [print(json.loads(l)['seconds']) for l in open('$tmp/pt.log')]"))
    /usr/bin/python3 -c "r=$ts/$pt; print(f'| $model | $pair | {$ts:.2f} | {$pt:.2f} | {r:.2f} | {\"yes\" if r <= 0.8 else \"no\"} |')" | tee -a "$out"
  done
done
