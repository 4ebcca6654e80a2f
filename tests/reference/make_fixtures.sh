#!/usr/bin/env bash
# Regenerates the fixtures the C# worked-example tests compare against, with the Python
# reference (tests/reference/saima_ref.py), so CI needs no Python:
#   tests/Saima.Cli.Tests/TestData/asem/   ASEM (COINr) schemes, data, units and expected output
#   examples/county/, examples/composite/  expected results.csv / warnings.csv
# Usage: bash tests/reference/make_fixtures.sh   (ASEM_DIR overrides /work/shared/datasets/asem)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
ref="$root/tests/reference/saima_ref.py"
asem="$root/tests/Saima.Cli.Tests/TestData/asem"

python3 "$root/tests/reference/make_asem.py" "$asem"
for k in geo zscore impute; do
  rm -rf "$asem/explain-$k"
  python3 "$ref" score --scheme "$asem/scheme-$k.json" --data "$asem/data.csv" --units "$asem/units.csv" \
    --out "$asem/expected-$k.csv" --explain "$asem/explain-$k"
  mv "$asem/explain-$k/weights.csv" "$asem/expected-$k-weights.csv"
  mv "$asem/explain-$k/treatment.csv" "$asem/expected-$k-treatment.csv"
  rmdir "$asem/explain-$k"
done

ex="$root/examples"
( cd "$ex/county" && python3 "$ref" score --scheme scheme.json --data data.csv --units units.csv \
    --adjustments adjustments.csv --out results.csv --warnings warnings.csv )
python3 "$root/tests/reference/make_asem.py" /tmp/saima-asem-$$ >/dev/null
cp /tmp/saima-asem-$$/data.csv "$ex/composite/data.csv"
cp /tmp/saima-asem-$$/units.csv "$ex/composite/units.csv"
rm -rf /tmp/saima-asem-$$
( cd "$ex/composite" && python3 "$ref" score --scheme scheme.json --data data.csv --units units.csv \
    --out results.csv --explain explain )
echo "fixtures regenerated"
