#!/usr/bin/env bash
# Prepare this checkout to run: Debian packages (when missing), a virtual
# environment in .venv, and the Python packages from pyproject.toml.
# Safe to run again; it only does what is still missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt's window and audio libraries, the speech engine, and MP3 support for pydub.
DEBIAN_PACKAGES=(python3-venv espeak-ng ffmpeg libegl1 libgl1 libfontconfig1 libxkbcommon0
  libxkbcommon-x11-0 libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-image0 libxcb-render-util0 libxcb-shape0 libpulse0 fonts-dejavu-core
  fonts-noto-color-emoji  # names and model replies may hold emoji (🙏, 👍🏽): drawn in colour, not as boxes
  poppler-utils)  # poppler-utils: the tests read the PDF report cards back

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "Installing Debian packages: ${missing[*]}"
      # another install may hold the dpkg lock: wait for it (up to 5 minutes), and never abort the setup
      apt-get -o DPkg::Lock::Timeout=300 update -qq || echo "note: apt-get update failed; trying the install anyway"
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null || echo "note: could not install ${missing[*]} now (apt busy or offline); run this again later"
    else
      echo "Some system packages are missing. Install them with:"
      echo "  sudo apt-get install -y ${missing[*]}"
      echo "(continuing; the app may not start until they are installed)"
    fi
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
# Reinstall only when pyproject.toml changed since the last install.
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "Installing Python packages (a few minutes the first time)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  rm -f .venv/.installed-* && touch "$stamp"
fi
