#!/usr/bin/env bash
# Runs every check of the repository on a machine that has only Node 20 and npm — the README's test
# command, and what CI (.ci/run) runs.
#
# It installs what the tests need and says so:
#   - Debian's `chromium` (the browser tests of the demo, the bench report and the tensor kernels' Web
#     Worker path drive it headless; never a downloaded browser build), and
#   - Debian's `dataset-fashion-mnist` (the Fashion-MNIST loader's test on the real files),
# with apt-get (through sudo when not root), only when missing; then pnpm's dependencies
# (`pnpm install --frozen-lockfile`, pnpm itself through npx) and `pnpm check`: lint, typecheck, every
# test, and the package checks.
#
# Without apt-get (macOS, other Linux distributions) it stops and names what to install by hand, or the
# switches that leave those tests out of a local run (DESCENT_SKIP_BROWSER=1, DESCENT_WITHOUT_FASHION_MNIST=1;
# CI never sets them).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION="10.34.9"

missing=()
if [ "${DESCENT_SKIP_BROWSER:-}" != "1" ] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi
if [ "${DESCENT_WITHOUT_FASHION_MNIST:-}" != "1" ] &&
  [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  missing+=(dataset-fashion-mnist)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "test-everything: the tests need ${missing[*]} (Debian packages) and this machine has no apt-get." >&2
    echo "  Install Chromium at /usr/bin/chromium and Fashion-MNIST under /usr/share/datasets/fashion-mnist," >&2
    echo "  or leave those tests out locally with DESCENT_SKIP_BROWSER=1 DESCENT_WITHOUT_FASHION_MNIST=1." >&2
    exit 1
  fi
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "test-everything: installing Debian packages the tests need: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "test-everything: node $(node --version), npm $(npm --version), pnpm ${PNPM_VERSION} (through npx)"
npx --yes "pnpm@${PNPM_VERSION}" install --frozen-lockfile
npx --yes "pnpm@${PNPM_VERSION}" check
