"""Texts of technician mode: the PIN, the device list, checks, counters, problems, location."""

MESSAGES = {
    "tech.pin.title": {"id": "Mode teknisi", "en": "Technician mode"},
    "tech.pin.label": {"id": "PIN teknisi", "en": "Technician PIN"},
    "tech.pin.open": {"id": "Masuk", "en": "Enter"},
    "tech.pin.checking": {"id": "Memeriksa PIN...", "en": "Checking the PIN..."},
    "tech.pin.wrong": {
        "id": "PIN salah. Sisa {tries} kali percobaan sebelum dikunci.",
        "en": "Wrong PIN. {tries} tries left before it locks.",
    },
    "tech.pin.locked": {
        "id": "Terlalu banyak PIN salah. Coba lagi dalam {minutes} menit.",
        "en": "Too many wrong PINs. Try again in {minutes} minutes.",
    },
    "tech.pin.not_set": {
        "id": "Mode teknisi belum diatur di anjungan ini ([technician] pin_hash). "
        "Gunakan adm-diag.",
        "en": "Technician mode is not set up on this kiosk ([technician] pin_hash). Use adm-diag.",
    },
    "tech.title": {"id": "Mode teknisi", "en": "Technician mode"},
    "tech.devices": {"id": "Perangkat", "en": "Devices"},
    "tech.device.row": {"id": "{role}: {driver} — {state}", "en": "{role}: {driver} — {state}"},
    "tech.state.idle": {"id": "siap", "en": "ready"},
    "tech.state.busy": {"id": "sibuk", "en": "busy"},
    "tech.state.closed": {"id": "tertutup", "en": "closed"},
    "tech.state.offline": {"id": "tidak terhubung", "en": "offline"},
    "tech.state.error": {"id": "rusak", "en": "fault"},
    "tech.action.health": {"id": "Cek kesehatan", "en": "Health check"},
    "tech.action.receipt": {"id": "Tes struk", "en": "Test receipt"},
    "tech.action.page": {"id": "Tes A4", "en": "Test A4"},
    "tech.action.scan": {"id": "Tes pindai", "en": "Test scan"},
    "tech.action.network": {"id": "Cek jaringan", "en": "Network check"},
    "tech.action.camera": {"id": "Kamera", "en": "Camera"},
    "tech.action.counters": {"id": "Penghitung", "en": "Counters"},
    "tech.action.problems": {"id": "Masalah", "en": "Problems"},
    "tech.running": {"id": "Sedang berjalan: {action}...", "en": "Running: {action}..."},
    "tech.scan.waiting": {
        "id": "Pindai satu kode di pemindai (20 detik).",
        "en": "Scan one code at the scanner (20 seconds).",
    },
    "tech.camera.none": {
        "id": "Tidak ada gambar dari kamera.",
        "en": "No picture from the camera.",
    },
    "tech.problems.none": {"id": "Tidak ada masalah tercatat.", "en": "No problems logged."},
    "tech.counters.none": {"id": "Belum ada hitungan.", "en": "No counts yet."},
    "tech.failed": {
        "id": "Gagal: {detail} (rincian ada di log)",
        "en": "Failed: {detail} (details in the log)",
    },
    "tech.location": {
        "id": "Lokasi: {name} — konfigurasi versi {version}",
        "en": "Location: {name} — configuration version {version}",
    },
    "tech.location.unknown": {
        "id": "Lokasi belum diterima dari server",
        "en": "No location received from the server yet",
    },
    "tech.location.confirmed": {
        "id": "Dikonfirmasi di tempat (versi {version})",
        "en": "Confirmed on site (version {version})",
    },
    "tech.location.unconfirmed": {
        "id": "Belum dikonfirmasi di tempat",
        "en": "Not confirmed on site",
    },
    "tech.location.confirm": {"id": "Konfirmasi lokasi", "en": "Confirm location"},
    "tech.exit": {"id": "Keluar", "en": "Exit"},
}
