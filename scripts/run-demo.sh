#!/usr/bin/env bash
# `make run`: the central server on SQLite with demo data, simulated scanner and receipt
# printer, the ADM-A4 CUPS queue, and the kiosk app (on a virtual display when there is none).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
VAR=${ADM_VAR:-var}
PORT=${ADM_PORT:-8000}
mkdir -p "$VAR/server" "$VAR/kiosk" "$VAR/sim" "$VAR/screenshots"
export ADM_DATA_DIR="$VAR/server" ADM_PUBLIC_URL="http://127.0.0.1:$PORT"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "run-demo: port $PORT is taken; stop what uses it or set ADM_PORT" >&2; exit 1
fi

"$BIN/adm-server" demo --credential-out "$VAR/kiosk/credential" --codes-out "$VAR/demo-codes.json" \
  2>>"$VAR/server/demo.log" | tee "$VAR/demo-codes.txt"
"$BIN/adm-server" serve --port "$PORT" >>"$VAR/server/serve.out" 2>&1 & pids+=($!)
"$BIN/adm-kiosk" sim --run-dir "$VAR/sim" devices >>"$VAR/sim/sim.out" 2>&1 & pids+=($!)
for _ in $(seq 1 100); do
  [[ -S "$VAR/sim/sim.sock" ]] && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.2
done

shots=()
if [[ -z "${DISPLAY:-}" ]]; then
  dfile=$(mktemp)  # Xvfb picks a free display number and writes it here
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$dfile" >/dev/null 2>&1 & pids+=($!)
  for _ in $(seq 1 50); do [[ -s $dfile ]] && break; sleep 0.1; done
  display=:$(head -n 1 "$dfile"); rm -f "$dfile"
  export DISPLAY=$display
  shots=(--screenshot-dir "$VAR/screenshots")
  echo "No display here: the kiosk runs on the virtual display $display;"
  echo "a screenshot of every screen it shows lands in $VAR/screenshots/."
fi

first=$(python3 -c "import json,sys; print(next(iter(json.load(open(sys.argv[1])).values())))" "$VAR/demo-codes.json")
cat <<TXT

ADM demo is running.
  Central server   http://127.0.0.1:$PORT  (API docs: /docs; log: $VAR/server/logs/server.log)
  Kiosk log        $VAR/kiosk/logs/kiosk.log
  A4 printouts     ${ADM_PDF_DIR:-/var/spool/adm-pdf}/  (CUPS queue ADM-A4, cups-pdf)
  Receipts         $VAR/sim/receipts/  (text and raw ESC/POS bytes of each receipt)
  Staff API tokens $ADM_DATA_DIR/demo-staff-tokens.txt  (petugas: officer, admin: staff admin,
                   teknisi: technician; send Authorization: Bearer <token>, or Authorize on /docs)

Scan a pickup code with the simulated scanner, from another terminal:
  $BIN/adm-kiosk sim --run-dir $VAR/sim scan ADMP:$first
Other codes are listed above. Stop with Ctrl+C.

TXT
# ADM_APP_ARGS: more arguments for the app, e.g. `make screenshots` passes --tour docs/screens
# shellcheck disable=SC2086
"$BIN/adm-kiosk" app --config config/kiosk.toml "${shots[@]}" ${ADM_APP_ARGS:-}
