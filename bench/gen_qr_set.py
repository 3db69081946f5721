"""Generated camera frames of phones showing our QR codes, for the QR reading bench and tests.

Nothing is downloaded: every frame is drawn here from a seed. A frame is what the kiosk camera
sends (1280x720, JPEG as the MJPEG stream carries it): a kiosk hall background, a phone with a
bezel held at an angle, its screen in light or dark mode (dark mode shows the code inverted,
light modules on dark) and a QR code of one of our payloads - a pickup code (ADMP:...), an
application ticket (ADM-...), a complaint ticket (PGD-...) or the signed document QR
(https://.../v/ADM1...., about 200 characters, the large payload) - with the troubles of a real
phone in front of a real camera: perspective, blur, glare from the hall lights, low contrast, a
dim screen, moire from the camera seeing the screen's pixel grid, sensor noise, a small code.

Categories are labelled ``easy`` or ``hard``; ``empty`` frames show a phone without a code (for
the time a reader spends on the many preview frames that hold no code).

Run: ``.venv/bin/python bench/gen_qr_set.py OUT_DIR [--per-category 30] [--seed 6]``
(about 20 s for the default 410 frames). Writes ``OUT_DIR/*.jpg`` and ``OUT_DIR/manifest.json``.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import segno

FRAME_W, FRAME_H = 1280, 720
SCREEN_W, SCREEN_H = 390, 844  # phone screen in its own pixels (a common phone's CSS size)
BEZEL = 22  # screen pixels of dark frame around the screen
FOCAL = 1100.0  # camera focal length in frame pixels (a ~60 degree wide-angle webcam)
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

Image = np.ndarray


# -- payloads: the formats of kiosk/codes.py and server/codes.py ------------------------------
def _crockford(rng: np.random.Generator, n: int) -> str:
    return "".join(CROCKFORD[i] for i in rng.integers(0, 32, n))


def pickup_payload(rng: np.random.Generator) -> str:
    raw = _crockford(rng, 12)
    return f"ADMP:{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def ticket_payload(rng: np.random.Generator) -> str:
    return f"ADM-{rng.integers(1101, 9472)}-26{rng.integers(1, 13):02d}-{_crockford(rng, 4)}"


def complaint_payload(rng: np.random.Generator) -> str:
    return f"PGD-{rng.integers(1101, 9472)}-26{rng.integers(1, 13):02d}-{_crockford(rng, 6)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def document_payload(rng: np.random.Generator) -> str:
    """The QR of an issued document as server/issuance.py writes it, signed with a seeded key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.from_private_bytes(rng.bytes(32))
    fields = [
        "1",
        rng.bytes(8).hex(),
        str(rng.choice(["KK", "AKL", "AKM", "KIA", "SKP"])),
        "7307" + "".join(str(d) for d in rng.integers(0, 10, 12)),
        f"2026-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}",
        rng.bytes(12).hex(),
        rng.bytes(4).hex(),
    ]
    data = "~".join(fields)
    token = f"ADM1.{data}.{_b64(key.sign(data.encode()))}"
    return f"https://adm.sinjaikab.go.id/v/{token}"


def random_payload(rng: np.random.Generator) -> str:
    roll = rng.random()
    if roll < 0.5:
        return pickup_payload(rng)
    if roll < 0.65:
        return ticket_payload(rng)
    if roll < 0.75:
        return complaint_payload(rng)
    return document_payload(rng)


# -- drawing -----------------------------------------------------------------------------------
@dataclass
class Scene:
    """Everything that decides how one frame looks; stored in the manifest."""

    payload: str | None
    dark_mode: bool = False
    brightness: float = 1.0  # screen backlight, 1 = full
    contrast: float = 1.0  # of the screen content around its mid grey
    qr_px: float = 300.0  # side of the code (with quiet zone) in frame pixels
    tilt_x: float = 0.0  # degrees, phone turned about the horizontal axis
    tilt_y: float = 0.0
    roll: float = 0.0  # in-plane rotation, degrees
    blur_sigma: float = 0.0  # gaussian blur in frame pixels
    motion_px: float = 0.0  # length of motion blur in frame pixels
    glare: float = 0.0  # 0..1, strength of a light reflection over the code
    moire: float = 0.0  # 0..1, depth of the interference from the screen's pixel grid
    noise: float = 3.0  # sensor noise sigma, grey levels
    jpeg_quality: int = 85
    center: tuple[float, float] = (640.0, 360.0)
    extra: dict[str, Any] = field(default_factory=dict)


def qr_matrix(text: str) -> np.ndarray:
    """Dark modules as True, with the standard quiet zone of four modules."""
    matrix = np.array(segno.make(text, error="m", micro=False).matrix, dtype=bool)
    return np.pad(matrix, 4, constant_values=False)


def phone_screen(scene: Scene, rng: np.random.Generator) -> tuple[Image, float, tuple[int, int]]:
    """The phone (bezel and screen, BGR) in screen pixels; the code's side and centre on it."""
    dark = scene.dark_mode
    bg = (27, 33, 17) if dark else (245, 245, 245)  # WhatsApp dark / light chat background
    bubble = (51, 44, 32) if dark else (255, 255, 255)
    text_col = (200, 200, 200) if dark else (60, 60, 60)
    screen = np.empty((SCREEN_H, SCREEN_W, 3), np.uint8)
    screen[:] = bg
    screen[:90] = (44, 36, 31) if dark else (84, 94, 7)  # app bar
    cv2.rectangle(screen, (14, 120), (SCREEN_W - 40, 700), bubble, -1)
    for i in range(int(rng.integers(3, 7))):  # lines of message text
        y = 560 + i * 22
        if y > 680:
            break
        cv2.rectangle(screen, (30, y), (30 + int(rng.integers(120, 300)), y + 10), text_col, -1)
    side = 300.0
    centre = (SCREEN_W // 2 - 13, 320)
    if scene.payload is not None:
        modules = qr_matrix(scene.payload)
        code = np.where(modules, 0, 255).astype(np.uint8)
        if dark:
            code = 255 - code
        code = cv2.resize(code, (int(side), int(side)), interpolation=cv2.INTER_NEAREST)
        y0, x0 = centre[1] - int(side) // 2, centre[0] - int(side) // 2
        screen[y0 : y0 + int(side), x0 : x0 + int(side)] = code[..., None]
    else:  # a photo in the chat instead of a code
        y0, x0 = centre[1] - 150, centre[0] - 150
        photo = rng.integers(40, 220, (6, 6, 3)).astype(np.uint8)
        screen[y0 : y0 + 300, x0 : x0 + 300] = cv2.resize(photo, (300, 300))
    # backlight and contrast of the panel
    lit = screen.astype(np.float32)
    lit = 128 + (lit - 128) * scene.contrast
    lit = 6 + lit * scene.brightness
    phone = np.full((SCREEN_H + 2 * BEZEL, SCREEN_W + 2 * BEZEL, 3), 18, np.float32)
    phone[BEZEL:-BEZEL, BEZEL:-BEZEL] = lit
    return phone, side, (centre[0] + BEZEL, centre[1] + BEZEL)


def background(rng: np.random.Generator) -> Image:
    """A kiosk hall behind the phone: soft light, a few shapes, nothing that looks like a code."""
    coarse = rng.integers(60, 200, (5, 9, 3)).astype(np.uint8)
    hall = cv2.resize(coarse, (FRAME_W, FRAME_H), interpolation=cv2.INTER_CUBIC)
    for _ in range(int(rng.integers(2, 6))):
        x, y = int(rng.integers(0, FRAME_W)), int(rng.integers(0, FRAME_H))
        w, h = int(rng.integers(40, 400)), int(rng.integers(40, 300))
        colour = tuple(int(c) for c in rng.integers(30, 230, 3))
        cv2.rectangle(hall, (x, y), (x + w, y + h), colour, -1)
    return cv2.GaussianBlur(hall, (0, 0), 3)


def _rotation(tilt_x: float, tilt_y: float, roll: float) -> np.ndarray:
    ax, ay, az = (math.radians(a) for a in (tilt_x, tilt_y, roll))
    rx = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    ry = np.array([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]])
    rz = np.array([[math.cos(az), -math.sin(az), 0], [math.sin(az), math.cos(az), 0], [0, 0, 1]])
    return rz @ ry @ rx


def place(scene: Scene, phone_shape: tuple[int, int], side: float, centre: tuple[int, int]):
    """Homography from phone pixels to frame pixels: the code's centre lands on scene.center."""
    h, w = phone_shape
    scale = scene.qr_px / side
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    plane = (corners - np.array(centre, np.float32)) * scale
    rot = _rotation(scene.tilt_x, scene.tilt_y, scene.roll)
    pts = np.c_[plane, np.zeros(4)] @ rot.T + np.array([0.0, 0.0, FOCAL])
    projected = FOCAL * pts[:, :2] / pts[:, 2:3] + np.array(scene.center)
    return cv2.getPerspectiveTransform(corners, projected.astype(np.float32))


def render(scene: Scene, seed: int) -> Image:
    """One 1280x720 BGR camera frame of the scene, after the camera's JPEG compression."""
    rng = np.random.default_rng(seed)
    phone, side, centre = phone_screen(scene, rng)
    if scene.moire > 0:
        phone = _pixel_grid(phone, scene.moire)
        side, centre = side * 3, (centre[0] * 3 + 1, centre[1] * 3 + 1)
    homography = place(scene, phone.shape[:2], side, centre)
    frame = background(rng).astype(np.float32)
    warped = cv2.warpPerspective(phone, homography, (FRAME_W, FRAME_H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(
        np.ones(phone.shape[:2], np.float32), homography, (FRAME_W, FRAME_H)
    )[..., None]
    frame = frame * (1 - mask) + warped * mask
    if scene.moire > 0:
        frame *= 1 - mask + mask * _interference(scene.moire, rng)[..., None]
    if scene.glare > 0:
        frame = _glare(frame, scene, rng, mask)
    if scene.blur_sigma > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), scene.blur_sigma)
    if scene.motion_px >= 1:
        frame = _motion_blur(frame, scene.motion_px, rng)
    frame += rng.standard_normal(frame.shape, dtype=np.float32) * np.float32(scene.noise)
    image = np.clip(frame, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, scene.jpeg_quality])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)


def _pixel_grid(phone: np.ndarray, depth: float) -> np.ndarray:
    """Each screen pixel as a 3x3 cell with dark gaps and RGB sub-pixel stripes."""
    big = cv2.resize(phone, None, fx=3, fy=3, interpolation=cv2.INTER_NEAREST)
    cell = np.ones((3, 3, 3), np.float32)
    cell[2, :, :] = 1 - depth  # the gap between rows
    for c in range(3):  # B, G, R stripes
        cell[:, (c + 1) % 3, c] *= 1 - depth * 0.6
        cell[:, (c + 2) % 3, c] *= 1 - depth * 0.6
    tiles = np.tile(cell, (big.shape[0] // 3, big.shape[1] // 3, 1))
    return big * tiles


def _interference(depth: float, rng: np.random.Generator) -> np.ndarray:
    """The beat between screen pixels and camera pixels: slow stripes across the frame."""
    yy, xx = np.mgrid[0:FRAME_H, 0:FRAME_W].astype(np.float32)
    angle = rng.uniform(0, math.pi)
    period = rng.uniform(5.0, 14.0)
    phase = (xx * math.cos(angle) + yy * math.sin(angle)) * (2 * math.pi / period)
    return (1 - 0.3 * depth) + 0.3 * depth * np.cos(phase)


def _glare(frame: np.ndarray, scene: Scene, rng: np.random.Generator, mask: np.ndarray):
    """A reflection of a ceiling light on the glass, over part of the code."""
    cx = scene.center[0] + rng.uniform(-0.35, 0.35) * scene.qr_px
    cy = scene.center[1] + rng.uniform(-0.35, 0.35) * scene.qr_px
    sx = scene.qr_px * rng.uniform(0.25, 0.45)
    sy = sx * rng.uniform(0.4, 1.0)
    yy, xx = np.mgrid[0:FRAME_H, 0:FRAME_W].astype(np.float32)
    blob = np.exp(-(((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2) / 2)
    blob = (blob * scene.glare)[..., None] * mask
    return frame + (255 - frame) * blob


def _motion_blur(frame: np.ndarray, length: float, rng: np.random.Generator) -> np.ndarray:
    n = int(round(length)) | 1
    kernel = np.zeros((n, n), np.float32)
    kernel[n // 2, :] = 1 / n
    rot = cv2.getRotationMatrix2D((n / 2 - 0.5, n / 2 - 0.5), rng.uniform(0, 180), 1)
    kernel = cv2.warpAffine(kernel, rot, (n, n))
    return cv2.filter2D(frame, -1, kernel / max(kernel.sum(), 1e-6))


# -- categories ---------------------------------------------------------------------------------
def _base(rng: np.random.Generator, payload: str | None, qr_px: tuple[float, float]) -> Scene:
    size = float(rng.uniform(*qr_px))
    margin_x, margin_y = min(size * 0.75, FRAME_W / 2), min(size * 0.6, FRAME_H / 2)
    return Scene(
        payload=payload,
        dark_mode=bool(rng.random() < 0.3),
        qr_px=size,
        tilt_x=float(rng.uniform(-15, 15)),
        tilt_y=float(rng.uniform(-15, 15)),
        roll=float(rng.uniform(-20, 20)),
        brightness=float(rng.uniform(0.75, 1.0)),
        noise=float(rng.uniform(2, 5)),
        jpeg_quality=int(rng.integers(75, 92)),
        center=(
            float(rng.uniform(margin_x, FRAME_W - margin_x)),
            float(rng.uniform(margin_y, FRAME_H - margin_y)),
        ),
    )


def _clean(rng):
    return _base(rng, random_payload(rng), (220, 420))


def _dark_mode(rng):
    s = _base(rng, random_payload(rng), (220, 420))
    s.dark_mode = True
    return s


def _document_large(rng):
    return _base(rng, document_payload(rng), (330, 520))


def _perspective(rng):
    s = _base(rng, random_payload(rng), (260, 420))
    s.tilt_x = float(rng.choice([-1, 1]) * rng.uniform(45, 62))
    s.tilt_y = float(rng.choice([-1, 1]) * rng.uniform(30, 55))
    s.roll = float(rng.uniform(-180, 180))
    return s


def _blur(rng):
    s = _base(rng, random_payload(rng), (230, 360))
    modules = len(qr_matrix(s.payload or ""))
    module_px = s.qr_px / modules
    if rng.random() < 0.5:
        s.blur_sigma = float(module_px * rng.uniform(0.55, 0.8))
    else:
        s.motion_px = float(module_px * rng.uniform(1.4, 2.2))
    return s


def _glare_cat(rng):
    s = _base(rng, random_payload(rng), (260, 420))
    s.glare = float(rng.uniform(0.93, 1.0))
    return s


def _low_contrast(rng):
    s = _base(rng, random_payload(rng), (240, 400))
    s.contrast = float(rng.uniform(0.04, 0.08))
    s.noise = float(rng.uniform(3, 6))
    return s


def _dim(rng):
    s = _base(rng, random_payload(rng), (240, 400))
    s.brightness = float(rng.uniform(0.04, 0.08))
    s.noise = float(rng.uniform(4, 7))
    return s


def _moire(rng):
    s = _base(rng, random_payload(rng), (300, 460))
    s.moire = float(rng.uniform(0.7, 0.95))
    return s


def _noise(rng):
    s = _base(rng, random_payload(rng), (240, 400))
    s.noise = float(rng.uniform(28, 45))
    s.jpeg_quality = int(rng.integers(35, 55))
    return s


def _small(rng):
    payload = random_payload(rng) if rng.random() < 0.5 else pickup_payload(rng)
    modules = len(qr_matrix(payload))
    s = _base(rng, payload, (1, 2))
    s.qr_px = float(modules * rng.uniform(1.5, 2.1))
    return s


def _large_hard(rng):
    s = _base(rng, document_payload(rng), (230, 330))
    s.tilt_x = float(rng.uniform(-35, 35))
    s.blur_sigma = float(s.qr_px / 65 * rng.uniform(0.35, 0.55))
    s.noise = float(rng.uniform(8, 14))
    return s


def _combined(rng):
    s = _base(rng, random_payload(rng), (240, 400))
    troubles = rng.choice(["tilt", "glare", "dim", "blur", "moire", "contrast"], 3, replace=False)
    if "tilt" in troubles:
        s.tilt_x = float(rng.choice([-1, 1]) * rng.uniform(35, 50))
    if "glare" in troubles:
        s.glare = float(rng.uniform(0.6, 0.85))
    if "dim" in troubles:
        s.brightness = float(rng.uniform(0.2, 0.35))
    if "blur" in troubles:
        s.blur_sigma = float(s.qr_px / 30 * rng.uniform(0.3, 0.5))
    if "moire" in troubles:
        s.moire = float(rng.uniform(0.4, 0.7))
    if "contrast" in troubles:
        s.contrast = float(rng.uniform(0.2, 0.35))
    s.extra["troubles"] = sorted(str(t) for t in troubles)
    return s


def _empty(rng):
    return _base(rng, None, (220, 420))


CATEGORIES: dict[str, tuple[str, Callable[[np.random.Generator], Scene]]] = {
    "clean": ("easy", _clean),
    "dark_mode": ("easy", _dark_mode),
    "document_large": ("easy", _document_large),
    "perspective": ("hard", _perspective),
    "blur": ("hard", _blur),
    "glare": ("hard", _glare_cat),
    "low_contrast": ("hard", _low_contrast),
    "dim_screen": ("hard", _dim),
    "moire": ("hard", _moire),
    "noise": ("hard", _noise),
    "small": ("hard", _small),
    "document_hard": ("hard", _large_hard),
    "combined": ("hard", _combined),
    "empty": ("empty", _empty),
}


def scene_for(category: str, seed: int) -> Scene:
    """The scene of one frame of a category, the same for the same seed."""
    return CATEGORIES[category][1](np.random.default_rng(seed))


def frame_for(category: str, seed: int) -> tuple[Scene, Image]:
    scene = scene_for(category, seed)
    return scene, render(scene, seed + 1)


def generate(out: Path, per_category: int, seed: int) -> list[dict[str, Any]]:
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for c_index, (category, (difficulty, _)) in enumerate(CATEGORIES.items()):
        for i in range(per_category):
            frame_seed = seed * 1_000_000 + c_index * 10_000 + i * 2
            scene, image = frame_for(category, frame_seed)
            name = f"{category}-{i:03d}.jpg"
            cv2.imwrite(str(out / name), image, [cv2.IMWRITE_JPEG_QUALITY, 97])
            manifest.append(
                {
                    "file": name,
                    "category": category,
                    "difficulty": difficulty,
                    "payload": scene.payload,
                    "seed": frame_seed,
                    "scene": asdict(scene),
                }
            )
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="directory for the frames and manifest.json")
    parser.add_argument("--per-category", type=int, default=30)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    start = time.perf_counter()
    manifest = generate(args.out, args.per_category, args.seed)
    took = time.perf_counter() - start
    print(f"{len(manifest)} frames in {len(CATEGORIES)} categories -> {args.out} ({took:.1f} s)")


if __name__ == "__main__":
    main()
