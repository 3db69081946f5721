"""Texts of the degraded modes: no server, a printer that cannot print, outside opening hours."""

MESSAGES = {
    "service.offline": {
        "id": "Tidak tersambung ke server. Cetak dokumen menunggu sambungan; cek status, lokasi "
        "dan persyaratan memerlukannya. Pengajuan, survei dan pengaduan tetap bisa, dikirim "
        "otomatis nanti.",
        "en": "Not connected to the server. Printing waits for the connection; status, "
        "locations and requirements need it. Applications, the survey and complaints still "
        "work and are sent automatically later.",
    },
    "service.printer": {
        "id": "Printer anjungan ini sedang tidak dapat mencetak.",
        "en": "This kiosk's printer cannot print right now.",
    },
    "service.nearest": {
        "id": "Anjungan terdekat: {name}, {address}.",
        "en": "Nearest other kiosk: {name}, {address}.",
    },
    "service.nearest.unknown": {
        "id": "Silakan tanyakan anjungan lain kepada petugas.",
        "en": "Please ask an officer for another kiosk.",
    },
    "service.closed": {"id": "Anjungan sedang tutup.", "en": "The kiosk is closed now."},
    "service.closed.when": {
        "id": "Anjungan sedang tutup. Buka lagi {when}.",
        "en": "The kiosk is closed now. Opens again {when}.",
    },
    "service.closed.still": {
        "id": "Informasi, cek status, survei dan pengaduan tetap bisa dipakai.",
        "en": "Information, status checks, the survey and complaints still work.",
    },
    "service.opens_day": {"id": "{day} {time} {zone}", "en": "{day} {time} {zone}"},
    "service.opens_today": {
        "id": "hari ini pukul {time} {zone}",
        "en": "today at {time} {zone}",
    },
    "service.reason.closed": {
        "id": "Tutup di luar jam buka.",
        "en": "Closed outside opening hours.",
    },
    "service.reason.closed.when": {"id": "Buka lagi {when}.", "en": "Opens again {when}."},
    "service.reason.printer": {
        "id": "Printer tidak dapat mencetak. Lihat anjungan terdekat di atas.",
        "en": "The printer cannot print. See the nearest kiosk above.",
    },
    "service.reason.print_waits": {
        "id": "Menunggu sambungan ke server.",
        "en": "Waiting for the connection to the server.",
    },
    "service.reason.offline": {
        "id": "Perlu sambungan ke server. Coba lagi nanti.",
        "en": "Needs the connection to the server. Please try later.",
    },
    # the menu's one-line versions (its tiles need the room)
    "service.short.offline": {
        "id": "Tidak tersambung ke server: cetak dokumen menunggu, pengajuan tetap bisa.",
        "en": "Not connected to the server: printing waits, applications still work.",
    },
    "service.short.printer": {
        "id": "Printer tidak dapat mencetak. Terdekat: {name}, {address}.",
        "en": "The printer cannot print. Nearest kiosk: {name}, {address}.",
    },
    "service.short.printer.unknown": {
        "id": "Printer tidak dapat mencetak. Tanyakan anjungan lain kepada petugas.",
        "en": "The printer cannot print. Ask an officer for another kiosk.",
    },
    "service.short.closed": {
        "id": "Tutup, buka lagi {when}. Informasi tetap bisa dilihat.",
        "en": "Closed, opens again {when}. Information still works.",
    },
    "service.location": {"id": "Lokasi: {name}", "en": "Location: {name}"},
}
