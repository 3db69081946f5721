"""QR read rate and time per 1280x720 frame: our pipeline against three single decoders.

Reads every frame of a set made by bench/gen_qr_set.py with four readers, in one run:

- ``ours``: kiosk/vision/qr.py's ``QrReader`` (the ladder of variants, 40 ms budget per frame,
  results validated by kiosk/codes.py); ``forget()`` before every frame, so no frame profits
  from the memory of the one before (in the kiosk the same phone stays for many frames);
- ``zxing``: zxing-cpp ``read_barcodes`` on the BGR frame with its defaults (which include its
  own inverted, rotated and downscaled attempts);
- ``zx-grey``: the same on the grey frame (OpenCV's conversion included in its time): the
  same reads, but zxing-cpp's own BGR conversion is slow, so this is the fairer time baseline;
- ``pyzbar``: pyzbar (zbar) on the grey frame;
- ``opencv``: OpenCV's ``QRCodeDetector().detectAndDecode`` on the BGR frame.

A read counts when the text equals the payload drawn into the frame. Times are wall-clock per
frame, including the colour conversion a reader needs, with ``cv2.setNumThreads(1)``; the
readers take turns frame by frame so load from other work hits all alike. ``empty`` frames
(a phone without a code) only give times, and any text read from them is counted as false.

Run: ``.venv/bin/python bench/gen_qr_set.py /tmp/qr-set && .venv/bin/python bench/qr_read.py
/tmp/qr-set`` (about 1 minute for the 410 default frames on the 2-core project machine).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kiosk.vision.qr import QrReader  # noqa: E402

QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
TARGET_POINTS = 10.0  # ours above the best single decoder on the hard categories
TARGET_TIME_RATIO = 1.5  # our median time at most this times zxing-cpp's


def zxing_alone(frame: np.ndarray) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(frame, formats=QR_ONLY)]


def zxing_grey(frame: np.ndarray) -> list[str]:
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    return [b.text for b in zxingcpp.read_barcodes(grey, formats=QR_ONLY)]


def pyzbar_alone(frame: np.ndarray) -> list[str]:
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    found = pyzbar.decode(grey, symbols=[pyzbar.ZBarSymbol.QRCODE])
    return [r.data.decode("utf-8", "replace") for r in found]


_OPENCV = cv2.QRCodeDetector()


def opencv_alone(frame: np.ndarray) -> list[str]:
    text, _, _ = _OPENCV.detectAndDecode(frame)
    return [text] if text else []


class Ours:
    def __init__(self, budget_ms: float) -> None:
        self.reader = QrReader(budget_ms=budget_ms)
        self.steps: Counter[str] = Counter()
        self.budget_stops = 0

    def __call__(self, frame: np.ndarray) -> list[str]:
        self.reader.forget()
        result = self.reader.read(frame)
        self.budget_stops += result.budget_stopped
        if result.code is None:
            return []
        self.steps[result.tried[-1]] += 1
        return [result.code.text]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("set", type=Path, help="directory written by bench/gen_qr_set.py")
    parser.add_argument("--budget-ms", type=float, default=40.0)
    parser.add_argument("--limit", type=int, default=0, help="frames per category (0: all)")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    manifest: list[dict[str, Any]] = json.loads((args.set / "manifest.json").read_text())
    if args.limit:
        taken: Counter[str] = Counter()
        kept = []
        for item in manifest:
            if taken[item["category"]] < args.limit:
                kept.append(item)
                taken[item["category"]] += 1
        manifest = kept

    ours = Ours(args.budget_ms)
    readers: dict[str, Callable[[np.ndarray], list[str]]] = {
        "ours": ours,
        "zxing": zxing_alone,
        "zx-grey": zxing_grey,
        "pyzbar": pyzbar_alone,
        "opencv": opencv_alone,
    }
    names = list(readers)
    # category -> reader -> list of (read, wall ms, cpu ms)
    results: dict[str, dict[str, list[tuple[bool, float, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    difficulty = {m["category"]: m["difficulty"] for m in manifest}
    false_reads: Counter[str] = Counter()
    for warm in manifest[:5]:  # first calls load libraries and fill ours's cost estimates
        frame = cv2.imread(str(args.set / warm["file"]))
        for reader in readers.values():
            reader(frame)
    start = time.perf_counter()
    for index, item in enumerate(manifest):
        frame = cv2.imread(str(args.set / item["file"]), cv2.IMREAD_COLOR)
        turn = names[index % len(names) :] + names[: index % len(names)]
        for name in turn:
            t0, c0 = time.perf_counter(), time.thread_time()
            texts = readers[name](frame)
            ms = (time.perf_counter() - t0) * 1000
            cpu = (time.thread_time() - c0) * 1000
            payload = item["payload"]
            read = payload is not None and payload in texts
            if texts and not read:
                false_reads[name] += 1
            results[item["category"]][name].append((read, ms, cpu))
    took = time.perf_counter() - start

    print("QR reading from phone screens, 1280x720 frames (bench/qr_read.py)")
    print(
        f"python {platform.python_version()}, opencv {cv2.__version__}, "
        f"zxing-cpp {version('zxing-cpp')}, pyzbar {version('pyzbar')}, "
        f"cores {os.cpu_count()}, cv2 threads 1, budget {args.budget_ms:g} ms, "
        f"{len(manifest)} frames, {took:.0f} s"
    )
    header = f"{'category':16s} {'level':5s} {'n':>4s}  " + "  ".join(
        f"{n + ' %':>9s} {'med':>6s} {'p95':>6s}" for n in names
    )
    print("\n" + header)
    print("-" * len(header))

    def row(
        label: str, level: str, cats: list[str]
    ) -> dict[str, tuple[float, float, float, float]]:
        out = {}
        cells = []
        n = sum(len(results[c][names[0]]) for c in cats)
        for name in names:
            pairs = [p for c in cats for p in results[c][name]]
            rate = 100.0 * sum(r for r, _, _ in pairs) / max(len(pairs), 1)
            times = [ms for _, ms, _ in pairs]
            med, p95 = statistics.median(times), percentile(times, 95)
            cpu_med = statistics.median([cpu for _, _, cpu in pairs])
            out[name] = (rate, med, p95, cpu_med)
            shown = "      -  " if level == "empty" else f"{rate:8.1f}%"
            cells.append(f"{shown} {med:6.1f} {p95:6.1f}")
        print(f"{label:16s} {level:5s} {n:4d}  " + "  ".join(cells))
        return out

    for category in results:
        row(category, difficulty[category], [category])
    print("-" * len(header))
    easy = [c for c in results if difficulty[c] == "easy"]
    hard = [c for c in results if difficulty[c] == "hard"]
    coded = easy + hard
    easy_row = row("all easy", "easy", easy)
    hard_row = row("all hard", "hard", hard)
    all_row = row("all with a code", "", coded)
    groups = {"all easy": easy_row, "all hard": hard_row, "all with a code": all_row}
    if any(difficulty[c] == "empty" for c in results):
        groups["no code"] = row(
            "no code", "empty", [c for c in results if difficulty[c] == "empty"]
        )

    print(
        "\nmedian CPU time of the reading thread, ms (less disturbed by other work on the machine)"
    )
    print(f"{'':16s} " + " ".join(f"{n:>9s}" for n in names))
    for label, values in groups.items():
        print(f"{label:16s} " + " ".join(f"{values[n][3]:9.2f}" for n in names))

    print("\nours: step that read the code:", dict(ours.steps.most_common()))
    print(f"ours: frames where steps were left out for the budget: {ours.budget_stops}")
    print("texts read that were not the frame's payload:", dict(false_reads) or "none")

    best_name, best = max(
        ((n, hard_row[n][0]) for n in names if n != "ours"), key=lambda item: item[1]
    )
    lead = hard_row["ours"][0] - best
    print(
        f"\nhard categories: ours {hard_row['ours'][0]:.1f}% vs best single ({best_name}) "
        f"{best:.1f}%: {lead:+.1f} points (target >= +{TARGET_POINTS:g}) -> "
        f"{'met' if lead >= TARGET_POINTS else 'MISSED'}"
    )
    for baseline in ("zxing", "zx-grey"):
        for what, index in (("wall", 1), ("CPU", 3)):
            ratio = all_row["ours"][index] / all_row[baseline][index]
            print(
                f"median {what} time per frame with a code: ours {all_row['ours'][index]:.2f} ms"
                f" vs {baseline} {all_row[baseline][index]:.2f} ms = {ratio:.2f}x "
                f"(target <= {TARGET_TIME_RATIO:g}x) -> "
                f"{'met' if ratio <= TARGET_TIME_RATIO else 'MISSED'}"
            )


if __name__ == "__main__":
    main()
