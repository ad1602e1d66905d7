#!/usr/bin/env bash
# The end-to-end tests drive Debian's chromium with Playwright (no browser download).
# Install it when missing and we may (root with apt-get); otherwise the e2e tests say why they skip.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
. "$(dirname "$0")/apt_install.sh"
apt_install_or_note "Debian's chromium for the end-to-end tests" chromium \
  "/usr/bin/chromium missing" "end-to-end tests will be skipped" chromium
exit 0
