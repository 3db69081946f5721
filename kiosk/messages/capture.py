"""Texts of photographing a paper: what the citizen should change before the camera takes it."""

MESSAGES = {
    "capture.no_paper": {
        "id": "Tunjukkan kertas ke kamera, seluruh halaman menghadap kamera.",
        "en": "Show the paper to the camera, the whole page facing it.",
    },
    "capture.cut_off": {
        "id": "Kertas terpotong — mundurkan sedikit sampai semua sudut terlihat.",
        "en": "Part of the paper is cut off — move it back until all corners show.",
    },
    "capture.too_far": {
        "id": "Kertas terlalu jauh — dekatkan ke kamera.",
        "en": "The paper is too far away — bring it closer to the camera.",
    },
    "capture.blurred": {
        "id": "Gambar kabur — tahan kertas diam dan rata.",
        "en": "The picture is blurred — hold the paper still and flat.",
    },
    "capture.glare": {
        "id": "Ada pantulan cahaya di kertas — miringkan kertas sedikit.",
        "en": "Light is shining off the paper — tilt it a little.",
    },
    "capture.too_dark": {
        "id": "Terlalu gelap — jangan tutupi kertas dengan bayangan tangan atau badan.",
        "en": "Too dark — keep the shadow of your hand or body off the paper.",
    },
    "capture.hold_still": {
        "id": "Bagus. Tahan sebentar, jangan bergerak...",
        "en": "Good. Hold it there a moment, do not move...",
    },
}
