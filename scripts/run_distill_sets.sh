#!/bin/sh
# Runs `awd distill` on each data set of scripts/make_distill_sets.ts with held-out test data.
# Settings fixed before the runs (docs/distill.md): default grid, families and baselines, 5-fold
# CV, seed 0, 30 AWD epochs per cell; MLP teachers for 1D (default 20 epochs), a CNN for the 2D
# maps (default 10 epochs, J = 3); grouped CV by cell for the molecular tracks.
# Usage: sh scripts/run_distill_sets.sh DATA_DIR OUT_DIR [name ...]
set -e
DATA=$1; OUT=$2; shift 2
AWD="node $(dirname "$0")/../bin/awd.js"
NAMES=${*:-"synthetic molecular timing bursts smalln cosmology spots"}
for name in $NAMES; do
  d=$DATA/$name
  extra=""
  kind=mlp
  [ "$name" = molecular ] && extra="--groups $d/groups.npy"
  [ "$name" = cosmology ] && kind=cnn && extra="--levels 3"
  [ "$name" = spots ] && kind=cnn && extra="--levels 3 --task regression"
  start=$(date +%s)
  nice -n 10 $AWD distill --data $d/X.npy --target $d/y.npy --teacher-kind $kind --out $OUT/$name \
    --test-data $d/Xt.npy --test-target $d/yt.npy --epochs 30 --seed 0 $extra --json > $OUT/$name.json 2> $OUT/$name.log
  echo "$name: $(( $(date +%s) - start )) s"
done
