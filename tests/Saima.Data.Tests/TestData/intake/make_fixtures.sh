#!/usr/bin/env bash
# Regenerates the spreadsheet fixtures of this folder with LibreOffice, so that the intake tests read
# files a real spreadsheet program wrote, not only files our own code wrote. The outputs are committed;
# CI does not run this. Run as root on Debian (it installs libreoffice-calc when missing):
#   bash tests/Saima.Data.Tests/TestData/intake/make_fixtures.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
if ! command -v soffice >/dev/null; then
  apt-get update && apt-get install -y --no-install-recommends libreoffice-calc
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"   # a fresh LibreOffice profile, no user settings

# Comma-separated, double quotes, UTF-8 (76), from line 1, columns A-D as text (2) and E standard (1),
# English (US) number parsing (1033): codes like 001 and periods like 2025-06 stay text.
TEXT='CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/1,1033,false,true,false,false,false,-1'
# The filter of STACK.md as it stands, without column types: 001 becomes the number 1.
PLAIN='CSV:44,34,76,1,,1033,false,true,false,false,false,-1'

convert() { # format infilter input outdir
  if [ -n "$2" ]; then
    soffice --headless --infilter="$2" --convert-to "$1" --outdir "$4" "$3" >/dev/null 2>&1
  else
    soffice --headless --convert-to "$1" --outdir "$4" "$3" >/dev/null 2>&1
  fi
}

for f in figures_good figures_bad; do
  convert xlsx "$TEXT" "$here/$f.csv" "$work"
  convert 'xls:MS Excel 97' "$TEXT" "$here/$f.csv" "$work"
  cp "$work/$f.xlsx" "$here/$f.lo.xlsx"
  cp "$work/$f.xls" "$here/$f.lo.xls"
done
# Indicator lists of a new scheme: every column text but weight, min and max (7, 12, 13).
INDICATORS='CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/2/6/2/7/1/8/2/9/2/10/2/11/2/12/1/13/1/14/2,1033,false,true,false,false,false,-1'
for f in indicators_good indicators_bad; do
  convert xlsx "$INDICATORS" "$here/$f.csv" "$work"
  convert 'xls:MS Excel 97' "$INDICATORS" "$here/$f.csv" "$work"
  cp "$work/$f.xlsx" "$here/$f.lo.xlsx"
  cp "$work/$f.xls" "$here/$f.lo.xls"
done
# Lists of 1,000 items: every column text, the deadline too.
LISTS='CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/2/6/2/7/2/8/2/9/2,1033,false,true,false,false,false,-1'
for f in lists_good lists_bad; do
  convert xlsx "$LISTS" "$here/$f.csv" "$work"
  cp "$work/$f.xlsx" "$here/$f.lo.xlsx"
done
cp "$here/figures_good.csv" "$work/figures_good_numeric_codes.csv"
convert xlsx "$PLAIN" "$work/figures_good_numeric_codes.csv" "$work"
cp "$work/figures_good_numeric_codes.xlsx" "$here/figures_good_numeric_codes.lo.xlsx"

# Our templates, filled in the value column, then opened and saved again by LibreOffice.
SAIMA_FIXTURE_OUT="$work/ours" dotnet test "$repo/tests/Saima.Data.Tests/Saima.Data.Tests.csproj" \
  --filter "FullyQualifiedName~TemplateFixtures" --nologo -v q >/dev/null
mkdir -p "$work/lo"
for f in template_unit_filled template_source_filled; do
  convert xlsx '' "$work/ours/$f.xlsx" "$work/lo"
  convert 'xls:MS Excel 97' '' "$work/ours/$f.xlsx" "$work/lo"
  cp "$work/lo/$f.xlsx" "$here/$f.lo.xlsx"
  cp "$work/lo/$f.xls" "$here/$f.lo.xls"
done

version=$(soffice --version | head -1)
sed -i "s/^Made by: .*/Made by: $version/" "$here/README.md"
echo "fixtures written by $version"
