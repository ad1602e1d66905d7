#!/usr/bin/env bash
# The end-to-end tests drive Debian's chromium with Playwright (no browser download).
# Install it when missing and we may (root with apt-get); otherwise the e2e tests say why they skip.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the end-to-end tests…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "WARNING: could not install chromium; end-to-end tests will be skipped"
else
  echo "NOTE: /usr/bin/chromium missing and not root: end-to-end tests will be skipped"
fi
exit 0
