#!/usr/bin/env bash
# Install whatever is missing, idempotently: Debian packages, then a virtualenv with the project.
# A second run finds everything in place and returns in a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libsqlite3-mod-spatialite postgresql-15-postgis-3 chromium python3.11-venv fonts-noto-cjk)
VENV=.venv
# Debian's python3.11: its sqlite3 can load extensions (SpatiaLite); a pyenv build may not.
PYTHON=/usr/bin/python3.11

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating virtualenv $VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
fi

# Reinstall only when the dependency declarations changed.
stamp="$VENV/.install-stamp"
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing GridWatch and its locked dependencies into $VENV"
  log="$VENV/install.log"
  "$VENV/bin/pip" install -c constraints.txt -e ".[dev]" >"$log" 2>&1 \
    || { tail -n 40 "$log" >&2; echo "setup: pip install failed (full log: $log)" >&2; exit 1; }
  "$VENV/bin/python" -c "import backend, gis_data, map_viewer, field_app" \
    || { echo "setup: installation failed" >&2; exit 1; }
  echo "$want" >"$stamp"
fi
