#!/usr/bin/env bash
# Install Debian's headless Chromium for the browser tests (tests/web/test_browser.py).
#
# Why Debian's package: Playwright's own `playwright install` downloads a browser
# build from outside the package registries, which CI cannot reach; the tests drive
# /usr/bin/chromium through Playwright's `executable_path` instead.
# Idempotent: does nothing when /usr/bin/chromium is already there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "install-browser: /usr/bin/chromium présent ($(/usr/bin/chromium --version 2>/dev/null || echo 'version inconnue'))"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
echo "install-browser: $(/usr/bin/chromium --version)"
