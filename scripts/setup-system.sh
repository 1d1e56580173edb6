#!/usr/bin/env bash
# Installs the Debian packages the platform needs when they are missing and we are root:
# CJK fonts and pango for WeasyPrint PDFs, gettext for the translations, and (with --browser)
# Debian's chromium for the browser tests. As a normal user it only says what is missing.
set -euo pipefail

want=()
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || want+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so" || want+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b)
command -v msgfmt >/dev/null 2>&1 || want+=(gettext)
command -v pg_dump >/dev/null 2>&1 || want+=(postgresql-client)
command -v pdftoppm >/dev/null 2>&1 || want+=(poppler-utils)
if [[ "${1:-}" == "--browser" ]]; then
  [[ -x /usr/bin/chromium ]] || want+=(chromium)
fi

if [[ ${#want[@]} -eq 0 ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "setup-system: missing Debian packages (run as root to install): ${want[*]}" >&2
  exit 0
fi
echo "setup-system: installing ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
