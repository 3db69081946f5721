"""Texts of the apply flow: service, papers photographed, NIK, phone, questions, confirm, ticket.

What the screens promise follows what the kiosk and the server do: an application is kept on
the kiosk until the server has it and sent by itself; the office writes to the citizen's
WhatsApp when papers are missing and when the documents are ready (server notifications).
"""

MESSAGES = {
    "menu.apply.title": {"id": "Ajukan dokumen", "en": "Apply for a document"},
    "menu.apply.body": {
        "id": "Akta, KK, KIA dan lainnya: foto berkas Anda di sini.",
        "en": "Certificates, family card, child ID: photograph your papers here.",
    },
    "apply.next": {"id": "Lanjut", "en": "Next"},
    # 1. service
    "apply.choose.title": {
        "id": "Apa yang ingin Anda ajukan?",
        "en": "What do you want to apply for?",
    },
    "apply.choose.loading": {"id": "Memuat daftar layanan...", "en": "Loading the services..."},
    "apply.choose.unavailable": {
        "id": "Daftar layanan tidak dapat dimuat. Coba lagi sebentar lagi.",
        "en": "The list of services cannot be loaded. Please try again shortly.",
    },
    "apply.choose.empty": {
        "id": "Pengajuan belum dibuka di anjungan ini. Silakan hubungi petugas.",
        "en": "Applications are not open at this kiosk yet. Please ask an officer.",
    },
    "apply.choose.retry": {"id": "Coba lagi", "en": "Try again"},
    # 2. requirements
    "apply.req.papers": {
        "id": "Siapkan berkas ini. Kamera akan memotretnya satu per satu:",
        "en": "Have these papers ready. The camera photographs them one by one:",
    },
    "apply.req.then": {
        "id": "Lalu Anda mengetik NIK, nomor HP, dan menjawab {count} pertanyaan.",
        "en": "Then you type your NIK and mobile number and answer {count} questions.",
    },
    "apply.req.start": {"id": "Mulai memotret", "en": "Start photographing"},
    # 3. photograph
    "apply.capture.step": {
        "id": "Berkas {number} dari {total}",
        "en": "Paper {number} of {total}",
    },
    "apply.capture.hint": {
        "id": "Letakkan berkas di bawah kamera, di dalam bingkai hijau. Foto diambil otomatis.",
        "en": "Place the paper under the camera, inside the green frame. "
        "The photo is taken by itself.",
    },
    "apply.capture.take": {"id": "Ambil foto", "en": "Take photo"},
    "apply.capture.skip": {"id": "Lewati (tidak ada)", "en": "Skip (I have none)"},
    "apply.capture.optional": {
        "id": "Berkas ini tidak wajib.",
        "en": "This paper is optional.",
    },
    "apply.capture.taking": {"id": "Memotret...", "en": "Taking the photo..."},
    "apply.capture.no_camera": {
        "id": "Kamera tidak bekerja. Silakan hubungi petugas.",
        "en": "The camera is not working. Please ask an officer.",
    },
    "apply.capture.looking": {"id": "Mencari berkas...", "en": "Looking for the paper..."},
    "apply.capture.ready": {"id": "Memotret...", "en": "Taking the photo..."},
    # 4. review
    "apply.review.title": {"id": "Apakah foto ini jelas?", "en": "Is this photo clear?"},
    "apply.review.body": {
        "id": "Periksa: seluruh berkas terlihat dan tulisannya terbaca.",
        "en": "Check: the whole paper is there and the writing can be read.",
    },
    "apply.review.retake": {"id": "Ulangi", "en": "Retake"},
    "apply.review.use": {"id": "Pakai", "en": "Use"},
    # 5. NIK
    "apply.nik.title": {"id": "Ketik NIK pemohon", "en": "Type the applicant's NIK"},
    "apply.nik.body": {
        "id": "16 angka, ada di KTP-el dan Kartu Keluarga.",
        "en": "16 digits, on the ID card (KTP-el) and the family card.",
    },
    "apply.nik.scan_hint": {
        "id": "Ketik NIK atau pindai barcode-nya",
        "en": "Type the NIK or scan its barcode",
    },
    "apply.nik.none": {"id": "Belum ada angka", "en": "No digits yet"},
    "apply.nik.count": {"id": "{count} dari 16 angka", "en": "{count} of 16 digits"},
    "apply.nik.length": {
        "id": "NIK harus 16 angka.",
        "en": "A NIK has 16 digits.",
    },
    "apply.nik.region": {
        "id": "NIK belum benar: 6 angka pertama (kode wilayah) tidak ada. Periksa lagi.",
        "en": "This NIK is not right: the first 6 digits (region) do not exist. Check again.",
    },
    "apply.nik.date": {
        "id": "NIK belum benar: angka 7 sampai 12 (tanggal lahir) tidak mungkin. Periksa lagi.",
        "en": "This NIK is not right: digits 7 to 12 (date of birth) are impossible. Check again.",
    },
    "apply.nik.serial": {
        "id": "NIK belum benar: 4 angka terakhir tidak boleh 0000. Periksa lagi.",
        "en": "This NIK is not right: the last 4 digits cannot be 0000. Check again.",
    },
    # what the scanner read on the NIK screen, when it is no NIK (kiosk.codes.nik_from_scan)
    "apply.nik.scan.pickup_code": {
        "id": "Ini kode untuk mengambil dokumen, bukan NIK. Pindai barcode NIK atau ketik NIK.",
        "en": "This is a code for collecting documents, not a NIK. Scan the NIK's barcode or "
        "type the NIK.",
    },
    "apply.nik.scan.digits": {
        "id": "Barcode ini bukan NIK: NIK harus 16 angka. Pindai barcode NIK atau ketik NIK.",
        "en": "This barcode is not a NIK: a NIK has 16 digits. Scan the NIK's barcode or type "
        "the NIK.",
    },
    "apply.nik.scan.not_nik": {
        "id": "Yang dipindai bukan NIK. Pindai barcode yang berisi NIK, atau ketik NIK.",
        "en": "What was scanned is not a NIK. Scan a barcode that holds the NIK, or type the NIK.",
    },
    # 6. phone
    "apply.phone.title": {"id": "Nomor HP (WhatsApp)", "en": "Mobile number (WhatsApp)"},
    "apply.phone.body": {
        "id": "Kantor mengirim kabar pengajuan ke nomor ini.",
        "en": "The office sends news of the application to this number.",
    },
    "apply.phone.none": {"id": "Contoh: 0812 3456 7890", "en": "Example: 0812 3456 7890"},
    "apply.phone.empty": {
        "id": "Nomor HP wajib diisi untuk kabar dari kantor.",
        "en": "A mobile number is needed for the office's news.",
    },
    "apply.phone.prefix": {
        "id": "Nomor HP dimulai dengan 08 (atau 628).",
        "en": "A mobile number starts with 08 (or 628).",
    },
    "apply.phone.length": {
        "id": "Nomor HP belum benar: 10 sampai 13 angka.",
        "en": "This mobile number is not right: 10 to 13 digits.",
    },
    # 7. questions
    "apply.field.step": {
        "id": "Pertanyaan {number} dari {total}",
        "en": "Question {number} of {total}",
    },
    "apply.field.optional": {"id": "(boleh dikosongkan)", "en": "(may stay empty)"},
    "apply.field.date_hint": {
        "id": "Ketik tanggal, bulan, tahun: 01 11 2026",
        "en": "Type day, month, year: 01 11 2026",
    },
    "apply.field.number_hint": {"id": "16 angka", "en": "16 digits"},
    "apply.field.text_hint": {
        "id": "Ketik dengan tombol huruf di bawah ini.",
        "en": "Type with the keys below.",
    },
    "apply.field.required": {
        "id": "Pertanyaan ini wajib dijawab.",
        "en": "This question needs an answer.",
    },
    "apply.field.text": {
        "id": "Jawaban terlalu panjang (paling banyak 200 huruf).",
        "en": "The answer is too long (200 characters at most).",
    },
    "apply.field.date": {
        "id": "Tanggal tidak ada. Ketik tanggal (2 angka), bulan (2), tahun (4).",
        "en": "No such date. Type day (2 digits), month (2), year (4).",
    },
    "apply.field.date_range": {
        "id": "Tanggal tidak boleh di masa depan atau sebelum 1900.",
        "en": "The date cannot be in the future or before 1900.",
    },
    "apply.field.kk": {
        "id": "Nomor Kartu Keluarga harus 16 angka.",
        "en": "A family card number has 16 digits.",
    },
    "apply.field.choice": {"id": "Pilih salah satu.", "en": "Choose one."},
    # 8. confirm
    "apply.confirm.title": {"id": "Periksa sebelum mengirim", "en": "Check before sending"},
    "apply.confirm.service": {"id": "Layanan", "en": "Service"},
    "apply.confirm.papers": {"id": "Berkas", "en": "Papers"},
    "apply.confirm.papers_count": {
        "id": "{count} berkas difoto",
        "en": "{count} papers photographed",
    },
    "apply.confirm.nik": {"id": "NIK", "en": "NIK"},
    "apply.confirm.phone": {"id": "Nomor HP", "en": "Mobile number"},
    "apply.confirm.answers": {"id": "Jawaban", "en": "Answers"},
    "apply.confirm.change": {"id": "Ubah", "en": "Change"},
    "apply.confirm.send": {"id": "Kirim", "en": "Send"},
    "apply.problem.service": {"id": "Layanan belum dipilih.", "en": "No service chosen."},
    "apply.problem.papers": {
        "id": "Berkas wajib belum lengkap difoto.",
        "en": "Required papers are not all photographed.",
    },
    "apply.problem.nik": {"id": "NIK belum benar.", "en": "The NIK is not right."},
    "apply.problem.phone": {"id": "Nomor HP belum benar.", "en": "The mobile number is not right."},
    "apply.problem.fields": {
        "id": "Ada pertanyaan yang belum dijawab.",
        "en": "A question is not answered.",
    },
    # 9. sent
    "apply.sent.sending": {"id": "Mengirim pengajuan...", "en": "Sending the application..."},
    "apply.sent.ticket.title": {"id": "Pengajuan diterima", "en": "Application received"},
    "apply.sent.ticket.label": {"id": "Nomor tiket Anda", "en": "Your ticket number"},
    "apply.sent.message": {
        "id": "Kantor akan mengirim pesan WhatsApp ke {phone} bila berkas kurang dan bila "
        "dokumen sudah jadi.",
        "en": "The office will send a WhatsApp message to {phone} when a paper is missing and "
        "when the documents are ready.",
    },
    "apply.sent.saved.title": {"id": "Pengajuan tersimpan", "en": "Application saved"},
    "apply.sent.saved.body": {
        "id": "Jaringan sedang terputus. Pengajuan tersimpan di anjungan ini dan akan "
        "dikirim otomatis saat jaringan kembali.",
        "en": "The network is down. The application is saved on this kiosk and will be sent "
        "by itself when the connection returns.",
    },
    "apply.sent.reference": {
        "id": "Nomor referensi (ada di tanda terima): {reference}",
        "en": "Reference number (on your receipt): {reference}",
    },
    "apply.sent.refused": {
        "id": "Kantor tidak dapat menerima pengajuan ini. Silakan hubungi petugas.",
        "en": "The office cannot accept this application. Please ask an officer.",
    },
    "apply.sent.failed": {
        "id": "Pengajuan tidak dapat disimpan di anjungan ini. Silakan hubungi petugas.",
        "en": "The application could not be saved on this kiosk. Please ask an officer.",
    },
    "apply.sent.receipt.printing": {
        "id": "Mencetak tanda terima...",
        "en": "Printing your receipt...",
    },
    "apply.sent.receipt.printed": {
        "id": "Ambil tanda terima Anda di bawah layar.",
        "en": "Take your receipt below the screen.",
    },
    "apply.sent.receipt.failed": {
        "id": "Tanda terima tidak dapat dicetak. Catat nomor di atas.",
        "en": "The receipt could not be printed. Please note the number above.",
    },
    "apply.sent.done": {"id": "Selesai", "en": "Done"},
}
