#!/usr/bin/env bash
# `npm test`: every tier, in order, failing on the first broken one.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "system packages"
bash scripts/setup-system.sh

step "typecheck"
npm run --silent typecheck

step "lint (including import boundaries)"
npm run --silent lint

step "Electron security lint (Electronegativity over src/, SARIF parsed against a reviewed allowlist)"
mkdir -p test-results
npx tsx scripts/electronegativity.ts

step "build"
npm run --silent build >/dev/null
echo "build: out/ ready (renderer, main, preload, browser-mode host bundle)"

step "unit and integration (Vitest, real Secret Service on a private D-Bus)"
mkdir -p test-results
bash scripts/with-keyring.sh npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json

step "end to end (Playwright)"
npx playwright test -c e2e/playwright.config.ts

step "summary"
node scripts/summarize-tests.mjs
