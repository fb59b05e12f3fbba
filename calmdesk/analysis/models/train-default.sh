#!/bin/sh
# Reproduce the shipped learned model (calmdesk/analysis/models/default.npz)
# from the public data in ../shared/data. See PROVENANCE.md for what it used
# and scored, and docs/learned-model.md for the choices.
#
#   sh calmdesk/analysis/models/train-default.sh [DATA] [OUT]
#
# The shipped heads are lexical-only (--embedding-weight 0: VADER + hashed
# TF-IDF) and take a few minutes; the last step fine-tunes a 3-layer MiniLM
# encoder for emotion and abuse (needs torch: about 50 minutes on one core).
set -eu
DATA=${1:-../shared/data}
OUT=${2:-calmdesk/analysis/models/default.npz}
NEW="$OUT.new.npz"
rm -f "$NEW"
calmdesk train --task abuse --data "$DATA" --out "$NEW" --base none --embedding-weight 0
calmdesk train --task sentiment --data "$DATA" --out "$NEW" --embedding-weight 0
calmdesk train --task emotion --data "$DATA" --out "$NEW" --embedding-weight 0
calmdesk train --task all --fine-tune --epochs 3 --anger-only-repeat 4 --seed 1 --data "$DATA" --out "$NEW"
mv "$NEW" "$OUT"
echo "wrote $OUT"
