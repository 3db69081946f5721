"""Texts of the check-status flow: type the ticket, see where the application is."""

MESSAGES = {
    "menu.status.title": {"id": "Cek status", "en": "Check status"},
    "menu.status.body": {
        "id": "Lihat sampai di mana permohonan Anda, dengan nomor tiket.",
        "en": "See how far your application has got, with its ticket number.",
    },
    "status.heading": {"id": "Cek status permohonan", "en": "Check an application"},
    "status.title": {
        "id": "Ketik nomor tiket permohonan Anda",
        "en": "Type the ticket number of your application",
    },
    "status.example": {"id": "Contoh: ADM-7307-2611-7KQ2", "en": "Example: ADM-7307-2611-7KQ2"},
    "status.check": {"id": "Periksa", "en": "Check"},
    "status.checking": {
        "id": "Mencari permohonan {ticket}...",
        "en": "Looking up application {ticket}...",
    },
    "status.incomplete.title": {
        "id": "Nomor tiket belum lengkap atau keliru",
        "en": "The ticket number is incomplete or mistyped",
    },
    "status.incomplete.body": {
        "id": "Nomor tiket terdiri dari ADM, dua kelompok empat angka, dan empat huruf atau "
        "angka, misalnya ADM-7307-2611-7KQ2. Nomor ini ada di tanda terima permohonan atau "
        "di pesan WhatsApp dari Disdukcapil.",
        "en": "A ticket number is ADM, two groups of four digits and four letters or digits, "
        "for example ADM-7307-2611-7KQ2. You find it on your application receipt or in the "
        "WhatsApp message from Disdukcapil.",
    },
    "status.unknown.title": {
        "id": "Nomor tiket tidak ditemukan",
        "en": "Ticket number not found",
    },
    "status.unknown.body": {
        "id": "Tidak ada permohonan dengan nomor {ticket}. Periksa kembali nomor pada tanda "
        "terima atau pesan WhatsApp Anda, lalu ketik ulang.",
        "en": "There is no application with the number {ticket}. Check the number on your "
        "receipt or WhatsApp message and type it again.",
    },
    "status.edit": {"id": "Ubah nomor", "en": "Change the number"},
    "status.ticket": {"id": "Nomor tiket: {ticket}", "en": "Ticket number: {ticket}"},
    "status.submitted_on": {"id": "Diajukan {date}", "en": "Submitted on {date}"},
    "status.updated_on": {"id": "Status sejak {date}", "en": "Status since {date}"},
    "status.reason": {
        "id": "Catatan petugas: {reason}",
        "en": "Note from the officer (in Indonesian): {reason}",
    },
    "status.missing": {
        "id": "Berkas yang masih perlu dilengkapi:",
        "en": "Papers still needed:",
    },
    "status.next.waiting": {
        "id": "Tidak ada yang perlu Anda lakukan sekarang. Anda akan diberi tahu bila "
        "dokumen sudah siap.",
        "en": "There is nothing you need to do now. You will be told when the documents are ready.",
    },
    "status.next.needs_fixing": {
        "id": "Permohonan Anda perlu dilengkapi. Siapkan berkas di bawah ini dan kirimkan "
        "kembali kepada Disdukcapil.",
        "en": "Your application needs more papers. Prepare the papers below and send them "
        "to Disdukcapil again.",
    },
    "status.next.ready": {
        "id": "Dokumen Anda sudah siap. Pilih \u201cCetak dokumen\u201d di menu, lalu gunakan "
        "kode QR atau nomor dan PIN yang Anda terima lewat WhatsApp, SMS, atau e-mail.",
        "en": "Your documents are ready. Choose \u201cPrint my documents\u201d on the menu "
        "and use the QR code, or the number and PIN, that you received by WhatsApp, SMS "
        "or e-mail.",
    },
    "status.next.delivered": {
        "id": "Permohonan ini sudah selesai.",
        "en": "This application is complete.",
    },
    "status.next.rejected": {
        "id": "Permohonan ini tidak dapat diproses. Jika ada pertanyaan, silakan hubungi "
        "petugas Disdukcapil.",
        "en": "This application cannot be processed. If you have questions, please contact "
        "a Disdukcapil officer.",
    },
    "status.print_now": {"id": "Cetak dokumen", "en": "Print my documents"},
}
