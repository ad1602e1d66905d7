#!/usr/bin/env bash
# The store tests run against a real PostgreSQL server (tests/pg_support.py starts a throwaway
# cluster with Debian's binaries). Install them when missing and we may (root with apt-get);
# otherwise the PostgreSQL cases say why they skip.
set -u
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi
. "$(dirname "$0")/apt_install.sh"
apt_install_or_note "Debian's postgresql for the store tests" postgresql \
  "PostgreSQL binaries missing" "the PostgreSQL store tests will be skipped" postgresql
exit 0
