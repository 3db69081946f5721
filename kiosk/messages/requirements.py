"""Texts of the requirements flow: which papers each service asks for, before applying."""

MESSAGES = {
    "menu.requirements.title": {"id": "Persyaratan", "en": "Requirements"},
    "menu.requirements.body": {
        "id": "Berkas apa saja yang perlu disiapkan untuk setiap layanan.",
        "en": "Which papers to prepare for each service.",
    },
    "requirements.title": {"id": "Persyaratan layanan", "en": "Service requirements"},
    "requirements.choose": {
        "id": "Pilih layanan untuk melihat persyaratannya",
        "en": "Choose a service to see what it needs",
    },
    "requirements.none": {
        "id": "Saat ini tidak ada layanan permohonan di anjungan ini. Silakan tanyakan "
        "kepada petugas.",
        "en": "No application service is offered at this kiosk right now. Please ask an officer.",
    },
    "requirements.papers": {"id": "Berkas yang perlu disiapkan", "en": "Papers to bring"},
    "requirements.required": {"id": "Wajib", "en": "Required"},
    "requirements.optional": {"id": "Tidak wajib", "en": "Optional"},
    "requirements.you_get": {"id": "Dokumen yang Anda terima", "en": "Documents you receive"},
    "requirements.fields": {
        "id": "Data yang akan ditanyakan",
        "en": "Details you will be asked for",
    },
    "requirements.note": {
        "id": "Bawa berkas asli. Berkas difoto dengan kamera anjungan saat Anda mengajukan "
        "permohonan.",
        "en": "Bring the original papers. They are photographed with the kiosk camera when "
        "you apply.",
    },
    "requirements.other": {"id": "Layanan lain", "en": "Other services"},
}
