#!/usr/bin/env bash
# The store tests run against a real PostgreSQL server (tests/pg_support.py starts a throwaway
# cluster with Debian's binaries). Install them when missing and we may (root with apt-get);
# otherwise the PostgreSQL cases say why they skip.
set -u
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's postgresql for the store tests…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
    || echo "WARNING: could not install postgresql; the PostgreSQL store tests will be skipped"
else
  echo "NOTE: PostgreSQL binaries missing and not root: the PostgreSQL store tests will be skipped"
fi
exit 0
