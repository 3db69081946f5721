"""Texts of the language choice and the menu of services."""

MESSAGES = {
    "language.title": {"id": "Pilih bahasa", "en": "Choose your language"},
    "language.id": {"id": "Bahasa Indonesia", "en": "Bahasa Indonesia"},
    "language.en": {"id": "English", "en": "English"},
    "menu.title": {"id": "Apa yang ingin Anda lakukan?", "en": "What would you like to do?"},
    "menu.print.title": {"id": "Cetak dokumen", "en": "Print my documents"},
    "menu.print.body": {
        "id": "Dokumen yang sudah jadi: pindai kode QR atau ketik nomor dan PIN.",
        "en": "Finished documents: scan the QR code or type the number and PIN.",
    },
    "menu.empty": {
        "id": "Saat ini tidak ada layanan di anjungan ini. Silakan hubungi petugas.",
        "en": "No service is available at this kiosk right now. Please ask an officer.",
    },
}
