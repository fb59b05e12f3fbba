#!/bin/sh
# Reproduce the shipped learned model (calmdesk/analysis/models/default.npz)
# from the public data in ../shared/data. See PROVENANCE.md for what it used
# and scored, and docs/learned-model.md for the choices.
#
#   sh calmdesk/analysis/models/train-default.sh [DATA] [OUT]
#
# Embeddings are cached in $CALMDESK_EMBED_CACHE (default /tmp/calmdesk-emb/prod)
# so a second run skips them.
set -eu
DATA=${1:-../shared/data}
OUT=${2:-calmdesk/analysis/models/default.npz}
CACHE=${CALMDESK_EMBED_CACHE:-/tmp/calmdesk-emb/prod}
NEW="$OUT.new.npz"
rm -f "$NEW"
calmdesk train --task abuse --data "$DATA" --out "$NEW" --base none --cache-dir "$CACHE"
calmdesk train --task sentiment --data "$DATA" --out "$NEW" --embedding-weight 0
calmdesk train --task emotion --data "$DATA" --out "$NEW" --embedding-weight 0
mv "$NEW" "$OUT"
echo "wrote $OUT"
