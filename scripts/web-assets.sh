#!/usr/bin/env bash
# Refreshes the front-end libraries of Saima.Web from npm (no CDN: users' networks are closed).
#
#   bash scripts/web-assets.sh
#
# Runs `npm ci` in src/Saima.Web (versions pinned by package.json and package-lock.json) and
# copies the minified files into src/Saima.Web/wwwroot/lib. The copies are committed, as ASP.NET
# templates do, so that a clean clone builds and runs without node or npm; run this script only
# to change a library's version (edit package.json, `npm install`, then this script) and commit
# the result.
set -euo pipefail
cd "$(dirname "$0")/../src/Saima.Web"
npm ci --no-audit --no-fund --ignore-scripts
LIB=wwwroot/lib
rm -rf "$LIB"
mkdir -p "$LIB/bootstrap" "$LIB/htmx" "$LIB/echarts"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$LIB/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$LIB/bootstrap/"
cp node_modules/bootstrap/LICENSE "$LIB/bootstrap/LICENSE"
cp node_modules/htmx.org/dist/htmx.min.js "$LIB/htmx/"
cp node_modules/htmx.org/LICENSE "$LIB/htmx/LICENSE"
cp node_modules/echarts/dist/echarts.min.js "$LIB/echarts/"
cp node_modules/echarts/LICENSE "$LIB/echarts/LICENSE"
node -e 'const l=require("./package-lock.json").packages;for(const n of ["bootstrap","htmx.org","echarts"])console.log(n+" "+l["node_modules/"+n].version)' >"$LIB/VERSIONS"
cat "$LIB/VERSIONS"
