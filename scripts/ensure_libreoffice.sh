#!/usr/bin/env bash
# The report test renders the Word document to PNG with Debian's LibreOffice (headless).
# Install it when missing and we may (root with apt-get); otherwise that one test says why it
# skips. The PDF report itself needs no outside program (Typst from PyPI).
set -u
if command -v soffice >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's LibreOffice Writer (headless) for the Word page rendering…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends libreoffice-writer-nogui fonts-liberation >/dev/null) \
    || echo "WARNING: could not install LibreOffice; the Word page rendering test is skipped"
else
  echo "NOTE: LibreOffice missing and not root: the Word page rendering test is skipped"
fi
exit 0
