"""Texts of "print my documents" beyond the scan: number + PIN, and the documents shown first."""

MESSAGES = {
    # the scan screen's second way in
    "pickup.no_qr": {
        "id": "Tidak ada kode QR? Ketik nomor registrasi dan PIN dari pesan Disdukcapil.",
        "en": "No QR code? Type the registration number and PIN from the Disdukcapil message.",
    },
    "pickup.type_instead": {
        "id": "Ketik nomor registrasi dan PIN",
        "en": "Type the registration number and PIN",
    },
    # typing the registration number and PIN
    "pickup.pin.title": {
        "id": "Ketik nomor registrasi dan PIN",
        "en": "Type the registration number and PIN",
    },
    "pickup.pin.number_label": {
        "id": "Nomor registrasi (12 angka)",
        "en": "Registration number (12 digits)",
    },
    "pickup.pin.pin_label": {"id": "PIN (6 angka)", "en": "PIN (6 digits)"},
    "pickup.pin.hint.number": {
        "id": "Ketik nomor registrasi dengan tombol angka.",
        "en": "Type the registration number on the number keys.",
    },
    "pickup.pin.hint.pin": {
        "id": "Sekarang ketik PIN. PIN tidak ditampilkan di layar.",
        "en": "Now type the PIN. It is not shown on the screen.",
    },
    "pickup.pin.hint.ready": {
        "id": "Sudah lengkap. Tekan Lanjut.",
        "en": "Complete. Press Continue.",
    },
    "pickup.pin.continue": {"id": "Lanjut", "en": "Continue"},
    "pickup.pin.checking": {
        "id": "Memeriksa nomor registrasi dan PIN...",
        "en": "Checking the registration number and PIN...",
    },
    "pickup.pin.try_again": {"id": "Coba lagi", "en": "Try again"},
    "pickup.pin.refused.title": {"id": "Belum dapat dicetak", "en": "Cannot print yet"},
    "pickup.pin.refused.wrong_pin": {
        "id": "Nomor registrasi atau PIN tidak cocok. Periksa lagi pesan dari Disdukcapil, "
        "lalu coba lagi. Jika PIN salah beberapa kali, nomor ini dikunci sementara.",
        "en": "The registration number or PIN does not match. Check the Disdukcapil message "
        "again and retry. After several wrong PINs the number is locked for a while.",
    },
    "pickup.pin.refused.wrong_pin_left": {
        "id": "Nomor registrasi atau PIN tidak cocok. Periksa lagi pesan dari Disdukcapil. "
        "Sisa kesempatan: {attempts_left} kali, setelah itu nomor ini dikunci sementara.",
        "en": "The registration number or PIN does not match. Check the Disdukcapil message "
        "again. Tries left: {attempts_left}; after that the number is locked for a while.",
    },
    "pickup.pin.refused.pin_locked": {
        "id": "Nomor registrasi ini dikunci sementara karena PIN salah beberapa kali. "
        "Coba lagi setelah pukul {until}, atau minta bantuan petugas Disdukcapil.",
        "en": "This registration number is locked for a while after several wrong PINs. "
        "Try again after {until}, or ask a Disdukcapil officer for help.",
    },
    "pickup.pin.refused.pin_locked_wait": {
        "id": "Nomor registrasi ini dikunci sementara karena PIN salah beberapa kali. "
        "Coba lagi nanti, atau minta bantuan petugas Disdukcapil.",
        "en": "This registration number is locked for a while after several wrong PINs. "
        "Try again later, or ask a Disdukcapil officer for help.",
    },
    "pickup.pin.refused.too_many_attempts": {
        "id": "Terlalu banyak PIN salah di anjungan ini. Tunggu beberapa menit lalu coba lagi, "
        "atau minta bantuan petugas Disdukcapil.",
        "en": "Too many wrong PINs at this kiosk. Wait a few minutes and try again, "
        "or ask a Disdukcapil officer for help.",
    },
    "pickup.pin.refused.already_printed": {
        "id": "Dokumen untuk nomor registrasi ini sudah dicetak pada {printed_at} dan tidak "
        "dicetak ulang. Jika Anda belum menerimanya, hubungi petugas Disdukcapil.",
        "en": "The documents for this registration number were printed on {printed_at} and are "
        "not printed again. If you did not receive them, please ask a Disdukcapil officer.",
    },
    "pickup.pin.refused.in_progress": {
        "id": "Dokumen untuk nomor ini sedang dicetak di anjungan lain. "
        "Coba lagi beberapa menit lagi.",
        "en": "The documents for this number are being printed at another kiosk. "
        "Try again in a few minutes.",
    },
    "pickup.pin.refused.server_unreachable": {
        "id": "Anjungan tidak dapat terhubung ke server, jadi nomor dan PIN belum diperiksa. "
        "Coba lagi nanti.",
        "en": "The kiosk cannot reach the server, so the number and PIN were not checked. "
        "Please try again later.",
    },
    "pickup.pin.refused.generic": {
        "id": "Nomor registrasi dan PIN ini tidak dapat diperiksa. Hubungi petugas Disdukcapil.",
        "en": "This registration number and PIN cannot be checked. Please ask a Disdukcapil "
        "officer.",
    },
    # the documents shown before printing
    "pickup.documents.title": {
        "id": "Dokumen Anda siap dicetak",
        "en": "Your documents are ready to print",
    },
    "pickup.documents.check": {
        "id": "Periksa jenis dokumen dan nama di bawah ini. Jika sudah benar, tekan Cetak.",
        "en": "Check the documents and the name below. If they are right, press Print.",
    },
    "pickup.documents.number": {"id": "Nomor: {number}", "en": "Number: {number}"},
    "pickup.documents.holder": {"id": "Atas nama: {holder}", "en": "Name: {holder}"},
    "pickup.documents.count": {"id": "Jumlah dokumen: {count}", "en": "Documents: {count}"},
    "pickup.documents.print": {"id": "Cetak", "en": "Print"},
    "pickup.documents.press_once": {
        "id": "Tekan satu kali saja, lalu tunggu.",
        "en": "Press once, then wait.",
    },
    "pickup.documents.scroll": {
        "id": "Ada dokumen lain di bawah: geser daftar ke atas untuk melihatnya.",
        "en": "More documents below: slide the list up to see them.",
    },
    "pickup.documents.starting": {"id": "Mulai mencetak...", "en": "Starting to print..."},
    # document types the first screens did not name yet (services.toml [document_types])
    "doc.AKTA_PERKAWINAN": {"id": "Akta Perkawinan", "en": "Marriage Certificate"},
    "doc.AKTA_PERCERAIAN": {"id": "Akta Perceraian", "en": "Divorce Certificate"},
    "doc.SKPWNI": {"id": "Surat Keterangan Pindah (SKPWNI)", "en": "Moving Letter (SKPWNI)"},
    "doc.BIODATA_PENDUDUK": {"id": "Biodata Penduduk", "en": "Resident Biodata"},
}
