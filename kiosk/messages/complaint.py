"""Texts of the complaint flow (pengaduan): category, text, phone, review, ticket.

The categories are the server's fixed set (server/feedback/complaints.py). What the screens
promise follows what the server does: a phone number is only used to send the office's answer,
by WhatsApp, and that message names the ticket.
"""

MESSAGES = {
    "menu.complaint.title": {"id": "Pengaduan", "en": "Make a complaint"},
    "menu.complaint.body": {
        "id": "Sampaikan keluhan atau saran; Anda mendapat nomor pengaduan.",
        "en": "Tell us what went wrong; you get a complaint number.",
    },
    # 1. category
    "complaint.category.title": {
        "id": "Tentang apa pengaduan Anda?",
        "en": "What is your complaint about?",
    },
    "complaint.category.layanan": {"id": "Pelayanan", "en": "The service"},
    "complaint.category.layanan.body": {
        "id": "Lama, berbelit, tak sesuai janji",
        "en": "Slow, complicated, or not as promised",
    },
    "complaint.category.dokumen": {"id": "Dokumen", "en": "Documents"},
    "complaint.category.dokumen.body": {
        "id": "Data salah, belum jadi, atau rusak",
        "en": "Wrong data, not ready, or damaged",
    },
    "complaint.category.perangkat": {"id": "Perangkat ADM", "en": "This kiosk"},
    "complaint.category.perangkat.body": {
        "id": "Layar, pemindai, atau printer",
        "en": "Its screen, scanner or printer",
    },
    "complaint.category.petugas": {"id": "Petugas", "en": "Staff"},
    "complaint.category.petugas.body": {
        "id": "Sikap atau bantuan petugas Disdukcapil",
        "en": "Conduct or help of Disdukcapil staff",
    },
    "complaint.category.lainnya": {"id": "Lainnya", "en": "Something else"},
    "complaint.category.lainnya.body": {
        "id": "Saran atau hal lain",
        "en": "A suggestion or anything else",
    },
    # 2. text
    "complaint.text.label": {
        "id": "Tulis pengaduan Anda ({category})",
        "en": "Write your complaint ({category})",
    },
    "complaint.text.placeholder": {
        "id": "Ketik dengan tombol huruf di bawah ini.",
        "en": "Type with the letter keys below.",
    },
    "complaint.text.count": {"id": "{count} / {limit} huruf", "en": "{count} / {limit} letters"},
    "complaint.text.empty": {
        "id": "Tulis pengaduan Anda dulu, lalu tekan «Lanjut».",
        "en": "Please write your complaint first, then press «Next».",
    },
    "complaint.text.full": {
        "id": "Batas {limit} huruf sudah tercapai.",
        "en": "You have reached the limit of {limit} letters.",
    },
    # 3. phone
    "complaint.phone.title": {
        "id": "Nomor HP untuk jawaban (boleh dikosongkan)",
        "en": "Mobile number for the answer (optional)",
    },
    "complaint.phone.body": {
        "id": "Jika diisi, jawaban petugas dikirim lewat WhatsApp ke nomor ini, "
        "beserta nomor pengaduannya.",
        "en": "If you give it, the office's answer is sent to it by WhatsApp, "
        "with the complaint number.",
    },
    "complaint.phone.example": {
        "id": "Contoh: 0812 3456 7890",
        "en": "For example: 0812 3456 7890",
    },
    "complaint.phone.none": {"id": "Belum diisi", "en": "Not given"},
    "complaint.phone.invalid": {
        "id": "Nomor HP belum benar. Nomor HP diawali 08 dan terdiri dari 9 sampai 14 angka.",
        "en": "This is not a mobile number yet. It starts with 08 and has 9 to 14 digits.",
    },
    "complaint.phone.skip": {"id": "Lewati", "en": "Skip"},
    # 4. review
    "complaint.review.title": {"id": "Periksa pengaduan Anda", "en": "Check your complaint"},
    "complaint.review.category": {"id": "Jenis pengaduan", "en": "About"},
    "complaint.review.text": {"id": "Isi pengaduan", "en": "Your complaint"},
    "complaint.review.phone": {"id": "Nomor HP", "en": "Mobile number"},
    "complaint.review.no_phone": {
        "id": "Tidak diisi: jawaban tidak dapat dikirim kepada Anda",
        "en": "Not given: the answer cannot be sent to you",
    },
    "complaint.review.change": {"id": "Ubah", "en": "Change"},
    "complaint.send": {"id": "Kirim", "en": "Send"},
    # 5. sent
    "complaint.sending.title": {
        "id": "Mengirim pengaduan Anda...",
        "en": "Sending your complaint...",
    },
    "complaint.sending.body": {"id": "Mohon tunggu sebentar.", "en": "Please wait a moment."},
    "complaint.ticket.title": {
        "id": "Pengaduan Anda sudah diterima",
        "en": "Your complaint has been received",
    },
    "complaint.ticket.label": {"id": "Nomor pengaduan Anda", "en": "Your complaint number"},
    "complaint.ticket.note": {
        "id": "Catat atau foto nomor ini. Sebutkan nomor ini bila Anda menanyakan pengaduan "
        "ke kantor Disdukcapil.",
        "en": "Write this number down or take a photo of it. Quote it when you ask the "
        "Disdukcapil office about your complaint.",
    },
    "complaint.answer.phone": {
        "id": "Jawaban petugas akan dikirim lewat WhatsApp ke nomor {phone}.",
        "en": "The office's answer will be sent by WhatsApp to {phone}.",
    },
    "complaint.answer.no_phone": {
        "id": "Anda tidak mengisi nomor HP, jadi jawaban tidak dapat dikirim kepada Anda. "
        "Tanyakan dengan nomor pengaduan ini di kantor Disdukcapil.",
        "en": "You gave no mobile number, so the answer cannot be sent to you. "
        "Ask at the Disdukcapil office with this complaint number.",
    },
    "complaint.saved.title": {
        "id": "Pengaduan Anda sudah tersimpan",
        "en": "Your complaint is saved",
    },
    "complaint.saved.body": {
        "id": "Anjungan ini sedang tidak terhubung ke server Disdukcapil. Pengaduan Anda "
        "tersimpan di anjungan ini dan akan dikirim otomatis begitu sambungan pulih. "
        "Anda tidak perlu mengulanginya.",
        "en": "This kiosk cannot reach the Disdukcapil server right now. Your complaint is "
        "saved on this kiosk and will be sent automatically once the connection is back. "
        "You do not need to send it again.",
    },
    "complaint.saved.phone": {
        "id": "Nomor pengaduan belum dapat ditampilkan. Jawaban petugas, beserta nomor "
        "pengaduannya, akan dikirim lewat WhatsApp ke nomor {phone}.",
        "en": "The complaint number cannot be shown yet. The office's answer, with the "
        "complaint number, will be sent by WhatsApp to {phone}.",
    },
    "complaint.saved.no_phone": {
        "id": "Nomor pengaduan belum dapat ditampilkan, dan karena Anda tidak mengisi nomor HP, "
        "jawaban tidak dapat dikirim kepada Anda. Pengaduan Anda tetap akan ditangani.",
        "en": "The complaint number cannot be shown yet, and as you gave no mobile number "
        "the answer cannot be sent to you. Your complaint will still be dealt with.",
    },
    "complaint.failed.title": {
        "id": "Maaf, pengaduan tidak dapat disimpan",
        "en": "Sorry, the complaint could not be saved",
    },
    "complaint.failed.body": {
        "id": "Terjadi gangguan pada anjungan ini, sehingga pengaduan Anda belum tersimpan. "
        "Mohon sampaikan pengaduan Anda kepada petugas Disdukcapil.",
        "en": "A fault in this kiosk kept your complaint from being saved. "
        "Please give your complaint to a Disdukcapil officer.",
    },
    "complaint.finish": {"id": "Selesai", "en": "Done"},
    "complaint.next": {"id": "Lanjut", "en": "Next"},
}
