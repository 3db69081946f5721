#!/usr/bin/env bash
# Make sure cupsd runs and the ADM-A4 queue exists: a cups-pdf queue that writes
# every printed job as a PDF file into $ADM_PDF_DIR (default /var/spool/adm-pdf).
# Used by the demo (`make run`) and by the tests (`make test`); idempotent.
set -euo pipefail
queue=${ADM_A4_QUEUE:-ADM-A4}
outdir=${ADM_PDF_DIR:-/var/spool/adm-pdf}
ppd=/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd

if [[ $(id -u) -ne 0 ]]; then
  if lpstat -p "$queue" >/dev/null 2>&1; then exit 0; fi
  echo "cups-queue: queue $queue is missing; as root run: $0" >&2
  exit 1
fi

# `lpstat -r` exits 0 whether or not the scheduler runs: read what it says.
scheduler_up() { [[ "$(lpstat -r 2>/dev/null)" == "scheduler is running" ]]; }
if ! scheduler_up; then
  started=no
  if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
    systemctl start cups && started=yes
  fi
  if [[ $started == no ]]; then
    # A cupsd killed with its machine's session leaves its socket behind; cupsd makes it anew.
    cupsd
  fi
  for _ in $(seq 1 100); do scheduler_up && break; sleep 0.1; done
  if ! scheduler_up; then
    echo "cups-queue: cupsd did not start; the end of /var/log/cups/error_log:" >&2
    tail -n 20 /var/log/cups/error_log >&2 2>/dev/null || true
    exit 1
  fi
fi

mkdir -p "$outdir"
# cups-pdf writes as "nobody" for users without an account (the kiosk submits as adm-kiosk),
# and still reports the job completed when it could not write: the folder must be open.
chmod 1777 "$outdir"
# cups-pdf reads /etc/cups/cups-pdf-<name>.conf for the device URI cups-pdf:/<name>;
# Label 2 puts the CUPS job id into every file name so a job's output can be found.
conf=/etc/cups/cups-pdf-adm.conf
want=$(printf 'Out %s\nAnonDirName %s\nLabel 2\n' "$outdir" "$outdir")
if [[ ! -f $conf ]] || [[ "$(cat "$conf")" != "$want" ]]; then
  printf '%s\n' "$want" > "$conf"
fi

if ! lpstat -v "$queue" 2>/dev/null | grep -q 'cups-pdf:/adm'; then
  lpadmin -p "$queue" -v cups-pdf:/adm -P "$ppd" -E -o media=A4 -o PageSize=A4
fi
cupsenable "$queue" 2>/dev/null || true
cupsaccept "$queue" 2>/dev/null || true
