#!/usr/bin/env bash
# The report test renders the Word document to PNG with Debian's LibreOffice (headless).
# Install it when missing and we may (root with apt-get); otherwise that one test says why it
# skips. The PDF report itself needs no outside program (Typst from PyPI).
set -u
if command -v soffice >/dev/null 2>&1; then exit 0; fi
. "$(dirname "$0")/apt_install.sh"
apt_install_or_note "Debian's LibreOffice Writer (headless) for the Word page rendering" \
  LibreOffice "LibreOffice missing" "the Word page rendering test is skipped" \
  --no-install-recommends libreoffice-writer-nogui fonts-liberation
exit 0
