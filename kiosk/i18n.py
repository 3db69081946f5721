"""Every sentence the kiosk shows a citizen, in Bahasa Indonesia (default) and English.

The texts of the first screens live here; each later flow keeps its own in kiosk/messages/.
"""

from __future__ import annotations

import logging

from kiosk.messages import collect

log = logging.getLogger(__name__)

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

MESSAGES: dict[str, dict[str, str]] = {
    # attract / scan
    "app.title": {"id": "Anjungan Dukcapil Mandiri", "en": "Self-Service Civil Registry Kiosk"},
    "attract.headline": {
        "id": "Cetak dokumen kependudukan Anda sendiri",
        "en": "Print your civil registration documents yourself",
    },
    "attract.body": {
        "id": "Kartu Keluarga, akta, dan dokumen lain yang sudah selesai. "
        "Sentuh layar untuk mulai.",
        "en": "Family cards, certificates and other finished documents. Touch the screen to start.",
    },
    "attract.touch": {"id": "Sentuh untuk mulai", "en": "Touch to start"},
    "scan.title": {"id": "Pindai kode QR Anda", "en": "Scan your QR code"},
    "scan.body": {
        "id": "Tunjukkan kode QR dari WhatsApp atau e-mail ke pemindai di bawah layar.",
        "en": "Hold the QR code from WhatsApp or e-mail under the scanner below the screen.",
    },
    "scan.checking": {"id": "Memeriksa kode Anda...", "en": "Checking your code..."},
    "scan.scanner_here": {
        "id": "Pemindai ada di bawah layar",
        "en": "The scanner is below the screen",
    },
    "printing.title": {"id": "Sedang mencetak", "en": "Printing"},
    "printing.wait": {
        "id": "Mohon tunggu, jangan tinggalkan anjungan.",
        "en": "Please wait and stay at the kiosk.",
    },
    "printing.step.download": {"id": "Mengambil dokumen", "en": "Fetching document"},
    "printing.step.a4": {"id": "Mencetak dokumen", "en": "Printing document"},
    "printing.step.receipt": {"id": "Mencetak tanda terima", "en": "Printing receipt"},
    "printing.step.confirm": {"id": "Menyelesaikan", "en": "Finishing"},
    "printing.step.working": {"id": "Sedang diproses", "en": "Working"},
    "done.title": {"id": "Selesai. Terima kasih!", "en": "Done. Thank you!"},
    "done.body": {
        "id": "Ambil dokumen dan tanda terima Anda. Nomor tanda terima: {receipt}",
        "en": "Take your documents and your receipt. Receipt number: {receipt}",
    },
    "done.take": {
        "id": "Ambil dokumen dan tanda terima Anda.",
        "en": "Please take your documents and your receipt.",
    },
    "done.receipt_label": {"id": "Nomor tanda terima", "en": "Receipt number"},
    "done.holder": {"id": "Atas nama: {holder}", "en": "Name: {holder}"},
    "idle.countdown": {
        "id": "Kembali ke awal dalam {seconds} detik. Sentuh layar untuk tetap di sini.",
        "en": "Going back to the start in {seconds} seconds. Touch the screen to stay.",
    },
    "button.back": {"id": "Kembali", "en": "Back"},
    "button.home": {"id": "Beranda", "en": "Home"},
    "button.language": {"id": "English", "en": "Bahasa Indonesia"},
    # documents
    "doc.KK": {"id": "Kartu Keluarga", "en": "Family Card"},
    "doc.AKTA_KELAHIRAN": {"id": "Akta Kelahiran", "en": "Birth Certificate"},
    "doc.AKTA_KEMATIAN": {"id": "Akta Kematian", "en": "Death Certificate"},
    "doc.KIA": {"id": "Kartu Identitas Anak", "en": "Child Identity Card"},
    # refusals and failures
    "refused.title": {"id": "Tidak dapat dicetak", "en": "Cannot be printed"},
    "refused.generic": {
        "id": "Dokumen untuk kode ini tidak dapat dicetak. Hubungi petugas Disdukcapil.",
        "en": "The documents for this code cannot be printed. Please ask a Disdukcapil officer.",
    },
    "failed.title": {"id": "Maaf, pencetakan terhenti", "en": "Sorry, printing has stopped"},
    "failed.generic": {
        "id": "Terjadi gangguan. Tunjukkan layar ini kepada petugas.",
        "en": "Something went wrong. Please show this screen to an officer.",
    },
    "refused.not_a_code": {
        "id": "Kode ini bukan kode pengambilan dokumen ADM. Gunakan kode QR dari Disdukcapil.",
        "en": "This is not an ADM pickup code. Please use the QR code sent by Disdukcapil.",
    },
    "refused.unknown_code": {
        "id": "Kode tidak dikenal atau sudah tidak berlaku. Hubungi Disdukcapil.",
        "en": "This code is unknown or no longer valid. Please contact Disdukcapil.",
    },
    "refused.already_printed": {
        "id": "Dokumen untuk kode ini sudah dicetak pada {printed_at}. Tidak dicetak ulang.",
        "en": "The documents for this code were already printed on {printed_at}. "
        "Not printed again.",
    },
    "refused.in_progress": {
        "id": "Kode ini sedang dicetak di anjungan lain. Coba lagi beberapa menit lagi.",
        "en": "This code is being printed at another kiosk. Try again in a few minutes.",
    },
    "refused.server_unreachable": {
        "id": "Anjungan tidak dapat terhubung ke server. Coba lagi nanti.",
        "en": "The kiosk cannot reach the server. Please try again later.",
    },
    "failed.a4_printer": {
        "id": "Printer dokumen bermasalah. Dokumen belum dicetak; kode Anda tetap berlaku.",
        "en": "The document printer has a problem. Nothing was printed; your code is still valid.",
    },
    "failed.a4_after_receipt": {
        "id": "Printer dokumen berhenti saat mencetak. Tanda terima yang keluar tidak berlaku; "
        "kode Anda tetap berlaku. Tunjukkan layar ini kepada petugas.",
        "en": "The document printer stopped while printing. The receipt that came out does not "
        "count; your code is still valid. Please show this screen to an officer.",
    },
    "failed.receipt_printer": {
        "id": "Printer tanda terima bermasalah. Tunjukkan layar ini kepada petugas.",
        "en": "The receipt printer has a problem. Please show this screen to an officer.",
    },
    "failed.server": {
        "id": "Terjadi gangguan pada server. Kode Anda tetap berlaku, coba lagi nanti.",
        "en": "The server had a problem. Your code is still valid; please try again later.",
    },
}


def _merge_flow_messages() -> None:
    for key, entry in collect().items():
        if key in MESSAGES:
            raise ValueError(f"message key {key!r} defined in kiosk/i18n.py and kiosk/messages")
        MESSAGES[key] = entry


_merge_flow_messages()


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """Translate ``key`` into ``lang``; an unknown key shows the key, never crashes the screen."""
    entry = MESSAGES.get(key)
    if entry is None:
        log.error("missing message key %r", key)
        return key
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError):
        log.error("message %r lacks parameters %r", key, sorted(params))
        return text
