#!/usr/bin/env bash
# Sourced by the ensure_*.sh scripts: install Debian packages for a test that needs an outside
# program, when we may (root with apt-get); otherwise say which tests skip. Never fails.
#
#   apt_install_or_note WHAT NAME MISSING SKIPPED PACKAGE...
#     WHAT     what is installed and for which tests ("Debian's chromium for the e2e tests")
#     NAME     the program's short name for the warning ("chromium")
#     MISSING  what is missing ("/usr/bin/chromium missing")
#     SKIPPED  what happens without it ("end-to-end tests will be skipped")
#     PACKAGE  apt-get install arguments (packages, options such as --no-install-recommends)
apt_install_or_note() {
  local what=$1 name=$2 missing=$3 skipped=$4
  shift 4
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${what}…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null) \
      || echo "WARNING: could not install ${name}; ${skipped}"
  else
    echo "NOTE: ${missing} and not root: ${skipped}"
  fi
}
