#!/usr/bin/env bash
# Check the Debian packages ADM needs; install the missing ones when we are root,
# otherwise print the exact command for someone who is.
set -euo pipefail

packages=(
  python3-venv            # the virtualenv under .venv
  libzbar0                # pyzbar, the second-opinion QR decoder
  libusb-1.0-0            # USB receipt printers (python-escpos through pyusb)
  cups cups-client        # the A4 print path (cupsd, lpadmin)
  printer-driver-cups-pdf # the A4 queue used by the demo and tests writes PDF files
  poppler-utils           # pdftoppm: tests look at what CUPS printed
  tesseract-ocr           # tests read the printed page back, as a person would
  xvfb xauth xdotool      # the kiosk window on a virtual display, tapped by UI tests
  libgl1 libgl1-mesa-dri libegl1 libmtdev1  # OpenGL (llvmpipe) and touch input for Kivy
  fonts-dejavu-core       # embedded fonts of the issued PDF documents
  postgresql              # the server's tests run on PostgreSQL as well as SQLite
  chromium                # console browser tests: Playwright drives this one, never a download
  espeak-ng               # spoken guidance on the kiosk, offline, with an Indonesian voice
  alsa-utils              # aplay: plays the spoken guidance on the kiosk's speakers
  xinit systemd           # deploy/systemd: the kiosk unit starts X by xinit; tests verify the units
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  echo "system-deps: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "system-deps: run as root:  sudo sh -c '$cmd'" >&2
  exit 1
fi
