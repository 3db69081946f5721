"""Texts of the satisfaction survey (survei kepuasan masyarakat, SKM).

The nine questions follow the questionnaire of Permenpan RB No. 14 Tahun 2017, in plain words,
each with that regulation's own four answers (1 worst .. 4 best); the question ids are the
server's (server/feedback/surveys.py).
"""

MESSAGES = {
    "menu.survey.title": {"id": "Survei kepuasan", "en": "Satisfaction survey"},
    "menu.survey.body": {
        "id": "Nilai pelayanan kami, cukup dengan beberapa sentuhan.",
        "en": "Rate our service in a few taps.",
    },
    # the overall rating
    "survey.title": {
        "id": "Seberapa puas Anda dengan pelayanan kami?",
        "en": "How satisfied are you with our service?",
    },
    "survey.body": {
        "id": "Sentuh salah satu pilihan di bawah ini.",
        "en": "Touch one of the choices below.",
    },
    "survey.rating.1": {"id": "Sangat tidak puas", "en": "Very unsatisfied"},
    "survey.rating.2": {"id": "Tidak puas", "en": "Unsatisfied"},
    "survey.rating.3": {"id": "Cukup puas", "en": "Fairly satisfied"},
    "survey.rating.4": {"id": "Puas", "en": "Satisfied"},
    "survey.rating.5": {"id": "Sangat puas", "en": "Very satisfied"},
    # the offer of the nine questions
    "survey.more.title": {
        "id": "Terima kasih atas penilaian Anda",
        "en": "Thank you for your rating",
    },
    "survey.more.chosen": {"id": "Pilihan Anda: {rating}", "en": "Your choice: {rating}"},
    "survey.more.body": {
        "id": "Bersediakah Anda menjawab 9 pertanyaan singkat tentang pelayanan kami? "
        "Waktunya sekitar satu menit.",
        "en": "Would you answer 9 short questions about our service? It takes about one minute.",
    },
    "survey.more.yes": {"id": "Ya, saya bersedia", "en": "Yes, I will answer"},
    "survey.more.no": {"id": "Tidak, kirim penilaian saja", "en": "No, just send my rating"},
    # one question
    "survey.question.count": {
        "id": "Pertanyaan {number} dari {total}",
        "en": "Question {number} of {total}",
    },
    "survey.question.hint": {
        "id": "Tekan «Lewati & kirim» untuk mengirim jawaban Anda sekarang.",
        "en": "Press «Skip & send» to send your answers now.",
    },
    "survey.skip": {"id": "Lewati & kirim", "en": "Skip & send"},
    "survey.q.persyaratan.name": {"id": "Persyaratan", "en": "Requirements"},
    "survey.q.persyaratan.text": {
        "id": "Apakah persyaratan pelayanan sesuai dengan jenis pelayanannya?",
        "en": "Do the requirements fit the kind of service?",
    },
    "survey.q.persyaratan.1": {"id": "Tidak sesuai", "en": "They do not fit"},
    "survey.q.persyaratan.2": {"id": "Kurang sesuai", "en": "They fit poorly"},
    "survey.q.persyaratan.3": {"id": "Sesuai", "en": "They fit"},
    "survey.q.persyaratan.4": {"id": "Sangat sesuai", "en": "They fit very well"},
    "survey.q.prosedur.name": {"id": "Prosedur pelayanan", "en": "Procedure"},
    "survey.q.prosedur.text": {
        "id": "Apakah langkah-langkah (prosedur) pelayanan mudah diikuti?",
        "en": "Are the steps of the service easy to follow?",
    },
    "survey.q.prosedur.1": {"id": "Tidak mudah", "en": "Not easy"},
    "survey.q.prosedur.2": {"id": "Kurang mudah", "en": "Not very easy"},
    "survey.q.prosedur.3": {"id": "Mudah", "en": "Easy"},
    "survey.q.prosedur.4": {"id": "Sangat mudah", "en": "Very easy"},
    "survey.q.waktu.name": {"id": "Waktu penyelesaian", "en": "Time to complete"},
    "survey.q.waktu.text": {
        "id": "Seberapa cepat pelayanan diberikan?",
        "en": "How quickly was the service given?",
    },
    "survey.q.waktu.1": {"id": "Tidak cepat", "en": "Slow"},
    "survey.q.waktu.2": {"id": "Kurang cepat", "en": "Rather slow"},
    "survey.q.waktu.3": {"id": "Cepat", "en": "Quick"},
    "survey.q.waktu.4": {"id": "Sangat cepat", "en": "Very quick"},
    "survey.q.biaya.name": {"id": "Biaya/tarif", "en": "Cost"},
    "survey.q.biaya.text": {
        "id": "Bagaimana biaya atau tarif pelayanan ini?",
        "en": "What did this service cost you?",
    },
    "survey.q.biaya.1": {"id": "Sangat mahal", "en": "Very expensive"},
    "survey.q.biaya.2": {"id": "Cukup mahal", "en": "Rather expensive"},
    "survey.q.biaya.3": {"id": "Murah", "en": "Cheap"},
    "survey.q.biaya.4": {"id": "Gratis", "en": "Free"},
    "survey.q.produk.name": {"id": "Hasil pelayanan", "en": "What the service delivers"},
    "survey.q.produk.text": {
        "id": "Apakah hasil pelayanan sesuai dengan yang dijanjikan dalam standar pelayanan?",
        "en": "Did you get what the service standard promises?",
    },
    "survey.q.produk.1": {"id": "Tidak sesuai", "en": "Not what was promised"},
    "survey.q.produk.2": {"id": "Kurang sesuai", "en": "Partly"},
    "survey.q.produk.3": {"id": "Sesuai", "en": "What was promised"},
    "survey.q.produk.4": {"id": "Sangat sesuai", "en": "Fully, in every way"},
    "survey.q.kompetensi.name": {"id": "Kemampuan petugas", "en": "Competence of the staff"},
    "survey.q.kompetensi.text": {
        "id": "Bagaimana kemampuan petugas dalam memberikan pelayanan?",
        "en": "How capable are the staff who serve you?",
    },
    "survey.q.kompetensi.1": {"id": "Tidak mampu", "en": "Not capable"},
    "survey.q.kompetensi.2": {"id": "Kurang mampu", "en": "Not very capable"},
    "survey.q.kompetensi.3": {"id": "Mampu", "en": "Capable"},
    "survey.q.kompetensi.4": {"id": "Sangat mampu", "en": "Very capable"},
    "survey.q.perilaku.name": {"id": "Perilaku petugas", "en": "Conduct of the staff"},
    "survey.q.perilaku.text": {
        "id": "Bagaimana kesopanan dan keramahan petugas?",
        "en": "How polite and friendly are the staff?",
    },
    "survey.q.perilaku.1": {"id": "Tidak sopan dan tidak ramah", "en": "Rude and unfriendly"},
    "survey.q.perilaku.2": {"id": "Kurang sopan dan ramah", "en": "Not very polite"},
    "survey.q.perilaku.3": {"id": "Sopan dan ramah", "en": "Polite and friendly"},
    "survey.q.perilaku.4": {"id": "Sangat sopan dan ramah", "en": "Very polite and friendly"},
    "survey.q.pengaduan.name": {
        "id": "Penanganan pengaduan, saran, dan masukan",
        "en": "Handling of complaints",
    },
    "survey.q.pengaduan.text": {
        "id": "Bagaimana pengaduan, saran, dan masukan masyarakat ditangani?",
        "en": "How are complaints and suggestions handled?",
    },
    "survey.q.pengaduan.1": {"id": "Tidak ada", "en": "There is no way to complain"},
    "survey.q.pengaduan.2": {
        "id": "Ada, tetapi tidak berfungsi",
        "en": "There is one, but it does not work",
    },
    "survey.q.pengaduan.3": {"id": "Berfungsi kurang maksimal", "en": "It works, not fully"},
    "survey.q.pengaduan.4": {"id": "Dikelola dengan baik", "en": "They are handled well"},
    "survey.q.sarana.name": {"id": "Sarana dan prasarana", "en": "Facilities"},
    "survey.q.sarana.text": {
        "id": "Bagaimana mutu sarana dan prasarana (tempat, anjungan, fasilitas)?",
        "en": "How good are the facilities (the place, this kiosk)?",
    },
    "survey.q.sarana.1": {"id": "Buruk", "en": "Poor"},
    "survey.q.sarana.2": {"id": "Cukup", "en": "Fair"},
    "survey.q.sarana.3": {"id": "Baik", "en": "Good"},
    "survey.q.sarana.4": {"id": "Sangat baik", "en": "Very good"},
    # the end
    "survey.thanks.title": {"id": "Terima kasih!", "en": "Thank you!"},
    "survey.thanks.body": {
        "id": "Jawaban Anda sudah tersimpan dan akan diteruskan ke Disdukcapil. "
        "Masukan Anda membantu kami memperbaiki pelayanan.",
        "en": "Your answers are saved and will be passed on to Disdukcapil. "
        "They help us improve our service.",
    },
    "survey.thanks.failed": {
        "id": "Maaf, jawaban Anda tidak dapat disimpan karena gangguan pada anjungan. "
        "Mohon beri tahu petugas.",
        "en": "Sorry, your answers could not be kept because of a fault in this kiosk. "
        "Please tell an officer.",
    },
    "survey.finish": {"id": "Selesai", "en": "Done"},
}
