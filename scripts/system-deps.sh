#!/usr/bin/env bash
# Installs the distribution packages Sala needs, only those missing.
#   scripts/system-deps.sh          PostgreSQL server + PostGIS (the embedded database)
#   scripts/system-deps.sh --test   also Chromium (UI tests), poppler (PDF checks), GDAL tools (benchmarks)
set -euo pipefail

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else
    echo "Se necesitan paquetes del sistema y no hay permisos de root ni sudo: instale a mano: $*" >&2
    exit 1
  fi
}

missing() {  # prints the packages of "$@" that are not installed
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

updated=0
install() {
  local need
  need=$(missing "$@")
  [ -z "$need" ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "apt-get not found: install these packages with your system's package manager: $need" >&2
    exit 1
  fi
  if [ "$updated" -eq 0 ]; then as_root apt-get update -q; updated=1; fi
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need
}

pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1; }

[ -n "$(pg_version)" ] || install postgresql
install "postgresql-$(pg_version)-postgis-3" acl

if [ "$want_test" -eq 1 ]; then
  install chromium poppler-utils gdal-bin fonts-dejavu-core
fi
