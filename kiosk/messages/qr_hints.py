"""Texts of the QR reader: hints while no code is read, and why a read code is not taken.

The hints are chosen by kiosk/vision/qr.py (``QrReader.hint()``) from what the camera sees; the
refusal keys are the ``reason`` of kiosk/codes.py's ``Refusal``.
"""

MESSAGES = {
    # hints, shown after a while without a code
    "qr.hint.closer": {
        "id": "Dekatkan ponsel Anda ke kamera.",
        "en": "Bring your phone closer to the camera.",
    },
    "qr.hint.farther": {
        "id": "Jauhkan sedikit ponsel Anda dari kamera.",
        "en": "Hold your phone a little farther from the camera.",
    },
    "qr.hint.brightness": {
        "id": "Naikkan kecerahan layar ponsel Anda.",
        "en": "Turn up your phone's screen brightness.",
    },
    "qr.hint.tilt": {
        "id": "Miringkan ponsel sedikit agar tidak ada pantulan cahaya di layar.",
        "en": "Tilt your phone a little so the lights do not reflect on the screen.",
    },
    "qr.hint.hold_still": {
        "id": "Tahan ponsel Anda tetap diam sejenak.",
        "en": "Hold your phone still for a moment.",
    },
    "qr.hint.show_code": {
        "id": "Tunjukkan kode QR di layar ponsel Anda ke kamera.",
        "en": "Show the QR code on your phone's screen to the camera.",
    },
    "qr.hint.not_ours": {
        "id": "Kode QR ini bukan dari Dukcapil. Tunjukkan kode dari pesan WhatsApp atau e-mail "
        "kami.",
        "en": "This QR code is not from Dukcapil. Show the code from our WhatsApp message or "
        "e-mail.",
    },
    # why a code that was read is not taken
    "qr.refused.empty": {"id": "Kode QR ini kosong.", "en": "This QR code is empty."},
    "qr.refused.too_long": {
        "id": "Kode QR ini terlalu panjang untuk kode Dukcapil.",
        "en": "This QR code is too long to be a Dukcapil code.",
    },
    "qr.refused.control_characters": {
        "id": "Kode QR ini berisi karakter yang tidak sah.",
        "en": "This QR code contains characters that are not allowed.",
    },
    "qr.refused.not_ascii": {
        "id": "Kode QR ini berisi huruf yang bukan bagian dari kode Dukcapil.",
        "en": "This QR code contains letters that are not part of a Dukcapil code.",
    },
    "qr.refused.unknown_format": {
        "id": "Kode QR ini bukan kode Dukcapil.",
        "en": "This QR code is not a Dukcapil code.",
    },
    "qr.refused.bad_pickup_code": {
        "id": "Kode pengambilan ini tidak lengkap atau salah bentuk.",
        "en": "This pickup code is incomplete or malformed.",
    },
    "qr.refused.bad_document_code": {
        "id": "Kode QR dokumen ini rusak atau bukan buatan Dukcapil.",
        "en": "This document QR code is damaged or not made by Dukcapil.",
    },
}
