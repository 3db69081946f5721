"""Texts of the accessibility buttons, and what the kiosk says aloud on each screen.

``<screen>.speech`` is read aloud when spoken guidance is on and the screen appears: what is on
the screen and what to do, with where the buttons are (the citizen may not see them).
"""

_FOOTER_ID = "Tombol Kembali ada di kiri bawah, tombol Beranda di kanan bawah."
_FOOTER_EN = "The Back button is at the bottom left, the Home button at the bottom right."

MESSAGES = {
    "a11y.contrast": {"id": "Kontras", "en": "Contrast"},
    "a11y.speech": {"id": "Suara", "en": "Voice"},
    "a11y.speech.on": {
        "id": "Panduan suara aktif. Tekan tombol Suara di kanan atas untuk mematikannya.",
        "en": "Voice guidance is on. Press the Voice button at the top right to turn it off.",
    },
    # --- one text per screen --------------------------------------------------------------
    "attract.speech": {
        "id": "Anjungan Dukcapil Mandiri. Di sini Anda dapat mencetak dokumen kependudukan, "
        "mengajukan dokumen, dan melihat informasi. Sentuh layar di mana saja untuk mulai.",
        "en": "Self-service civil registry kiosk. Here you can print your civil registration "
        "documents, apply for a document and read information. Touch the screen anywhere "
        "to start.",
    },
    "language.speech": {
        "id": "Pilih bahasa. Tombol Bahasa Indonesia ada di kiri tengah layar, tombol English "
        "di kanan. " + _FOOTER_ID,
        "en": "Choose your language. The Bahasa Indonesia button is on the left in the middle "
        "of the screen, the English button on the right. " + _FOOTER_EN,
    },
    "menu.speech": {
        "id": "Apa yang ingin Anda lakukan? Pilih satu layanan dengan menyentuh kotaknya. "
        "Layanan di layar ini, dari kiri atas:",
        "en": "What would you like to do? Choose a service by touching its box. The services "
        "on this screen, from the top left:",
    },
    "scan.speech": {
        "id": "Pindai kode QR Anda. Tunjukkan kode QR dari WhatsApp atau e-mail ke pemindai "
        "di bawah layar. Jika tidak punya kode QR, tekan tombol untuk mengetik nomor dan PIN. "
        + _FOOTER_ID,
        "en": "Scan your QR code. Hold the QR code from WhatsApp or e-mail under the scanner "
        "below the screen. If you have no QR code, press the button to type the number and "
        "PIN. " + _FOOTER_EN,
    },
    "pickup_pin.speech": {
        "id": "Ketik nomor pendaftaran dan PIN dengan papan tombol di layar, lalu tekan "
        "Lanjut. " + _FOOTER_ID,
        "en": "Type the registration number and the PIN on the keypad on the screen, then "
        "press Continue. " + _FOOTER_EN,
    },
    "pickup_documents.speech": {
        "id": "Ini dokumen yang akan dicetak. Periksa, lalu tekan tombol hijau Cetak di kanan. "
        + _FOOTER_ID,
        "en": "These are the documents that will print. Check them, then press the green "
        "Print button on the right. " + _FOOTER_EN,
    },
    "printing.speech": {
        "id": "Sedang mencetak. Mohon tunggu dan jangan tinggalkan anjungan.",
        "en": "Printing. Please wait and stay at the kiosk.",
    },
    "done.speech": {
        "id": "Selesai. Ambil dokumen dan tanda terima Anda dari printer di bawah layar. "
        "Terima kasih.",
        "en": "Done. Take your documents and your receipt from the printer below the screen. "
        "Thank you.",
    },
    "done.speech.failed": {
        "id": "Maaf, pencetakan terhenti. Tunjukkan layar ini kepada petugas. " + _FOOTER_ID,
        "en": "Sorry, printing has stopped. Please show this screen to an officer. " + _FOOTER_EN,
    },
    "status.speech": {
        "id": "Cek status pengajuan. Ketik nomor tiket Anda dengan papan tombol di layar, atau "
        "pindai kode QR dari tanda terima, lalu tekan Periksa di kanan atas. " + _FOOTER_ID,
        "en": "Check the status of an application. Type your ticket number on the keyboard on "
        "the screen, or scan the QR code of your receipt, then press Check at the top right. "
        + _FOOTER_EN,
    },
    "locations.speech": {
        "id": "Lokasi anjungan lain, dengan alamat dan jam buka. Anjungan ini ada di urutan "
        "pertama. Geser daftar ke atas untuk melihat lebih banyak. " + _FOOTER_ID,
        "en": "Other kiosk locations, with their address and opening hours. This kiosk is "
        "first. Slide the list up to see more. " + _FOOTER_EN,
    },
    "requirements.speech": {
        "id": "Persyaratan layanan. Pilih layanan untuk melihat berkas yang perlu disiapkan. "
        + _FOOTER_ID,
        "en": "Service requirements. Choose a service to see the papers you need to bring. "
        + _FOOTER_EN,
    },
    "survey.speech": {
        "id": "Survei kepuasan. Seberapa puas Anda dengan layanan hari ini? Sentuh salah satu "
        "wajah, dari tidak puas di kiri sampai sangat puas di kanan. " + _FOOTER_ID,
        "en": "Satisfaction survey. How satisfied are you with the service today? Touch one "
        "of the faces, from not satisfied on the left to very satisfied on the right. "
        + _FOOTER_EN,
    },
    "survey_more.speech": {
        "id": "Mau menjawab beberapa pertanyaan lagi? Pilih Ya atau Tidak.",
        "en": "Would you answer a few more questions? Choose Yes or No.",
    },
    "survey_question.speech": {
        "id": "Pertanyaan survei. Sentuh jawaban Anda.",
        "en": "A survey question. Touch your answer.",
    },
    "survey_thanks.speech": {
        "id": "Terima kasih atas penilaian Anda.",
        "en": "Thank you for your answers.",
    },
    "complaint.speech": {
        "id": "Pengaduan. Pilih jenis pengaduan dengan menyentuh salah satu kotak. " + _FOOTER_ID,
        "en": "Make a complaint. Choose what it is about by touching one of the boxes. "
        + _FOOTER_EN,
    },
    "complaint_text.speech": {
        "id": "Tulis pengaduan Anda dengan papan ketik di layar, lalu tekan Lanjut. " + _FOOTER_ID,
        "en": "Write your complaint on the keyboard on the screen, then press Continue. "
        + _FOOTER_EN,
    },
    "complaint_phone.speech": {
        "id": "Jika ingin dihubungi, ketik nomor HP Anda. Boleh dilewati. " + _FOOTER_ID,
        "en": "If you want to be contacted, type your mobile number. You may skip this. "
        + _FOOTER_EN,
    },
    "complaint_review.speech": {
        "id": "Periksa pengaduan Anda, lalu tekan Kirim. " + _FOOTER_ID,
        "en": "Check your complaint, then press Send. " + _FOOTER_EN,
    },
    "complaint_sent.speech": {
        "id": "Pengaduan Anda tercatat. Nomor tiketnya ada di layar. Terima kasih.",
        "en": "Your complaint is recorded. Its ticket number is on the screen. Thank you.",
    },
    "apply.speech": {
        "id": "Ajukan dokumen. Pilih layanan yang ingin Anda ajukan. " + _FOOTER_ID,
        "en": "Apply for a document. Choose the service you want to apply for. " + _FOOTER_EN,
    },
    "apply_requirements.speech": {
        "id": "Berkas yang perlu difoto untuk layanan ini. Siapkan berkasnya, lalu tekan "
        "Mulai. " + _FOOTER_ID,
        "en": "The papers to photograph for this service. Have them ready, then press Start. "
        + _FOOTER_EN,
    },
    "apply_capture.speech": {
        "id": "Letakkan berkas di dalam bingkai di depan kamera dan tahan. Foto diambil "
        "otomatis saat berkas jelas.",
        "en": "Hold the paper inside the frame in front of the camera and keep it still. The "
        "photo is taken by itself when the paper is sharp.",
    },
    "apply_review.speech": {
        "id": "Apakah foto ini jelas? Pakai foto ini, atau ambil ulang.",
        "en": "Is this photo clear? Use this photo, or take it again.",
    },
    "apply_nik.speech": {
        "id": "Ketik NIK pemohon, enam belas angka dari KTP-el atau Kartu Keluarga, atau "
        "pindai barcode NIK di pemindai di bawah layar, lalu tekan Lanjut. " + _FOOTER_ID,
        "en": "Type the applicant's NIK, the sixteen digits on the ID card or family card, "
        "or scan the NIK's barcode at the scanner below the screen, then press Continue. "
        + _FOOTER_EN,
    },
    "apply_phone.speech": {
        "id": "Ketik nomor HP untuk kabar pengajuan, lalu tekan Lanjut. " + _FOOTER_ID,
        "en": "Type a mobile number for news of the application, then press Continue. "
        + _FOOTER_EN,
    },
    "apply_field.speech": {
        "id": "Isi data yang diminta dengan papan ketik di layar, lalu tekan Lanjut. " + _FOOTER_ID,
        "en": "Fill in what is asked on the keyboard on the screen, then press Continue. "
        + _FOOTER_EN,
    },
    "apply_confirm.speech": {
        "id": "Periksa pengajuan Anda sebelum mengirim: layanan, berkas, NIK dan nomor HP. "
        "Jika sudah benar, tekan Kirim. " + _FOOTER_ID,
        "en": "Check your application before sending: the service, the papers, the NIK and "
        "the mobile number. If all is right, press Send. " + _FOOTER_EN,
    },
    "apply_sent.speech": {
        "id": "Pengajuan Anda diterima. Ambil tanda terima dengan nomor tiket dari printer di "
        "bawah layar. Terima kasih.",
        "en": "Your application is received. Take the receipt with your ticket number from "
        "the printer below the screen. Thank you.",
    },
    "a11y.speech.generic": {
        "id": "Ikuti petunjuk di layar. " + _FOOTER_ID,
        "en": "Follow the instructions on the screen. " + _FOOTER_EN,
    },
}
