"""Texts the information flows share (status, locations, requirements): days, months, failures."""

MESSAGES = {
    "info.loading": {
        "id": "Mohon tunggu, sedang mengambil data...",
        "en": "Please wait, fetching the information...",
    },
    "info.unavailable.title": {
        "id": "Informasi belum dapat ditampilkan",
        "en": "The information cannot be shown right now",
    },
    "info.unavailable.body": {
        "id": "Anjungan sedang tidak dapat terhubung ke server Disdukcapil. "
        "Silakan coba lagi beberapa saat lagi, atau tanyakan kepada petugas.",
        "en": "The kiosk cannot reach the Disdukcapil server at the moment. "
        "Please try again in a little while, or ask an officer.",
    },
    "info.more": {
        "id": "Masih ada lagi di bawah. Geser daftar ke atas untuk melihatnya.",
        "en": "There is more below. Slide the list up to see it.",
    },
    "info.retry": {"id": "Coba lagi", "en": "Try again"},
    "info.day.mon": {"id": "Senin", "en": "Monday"},
    "info.day.tue": {"id": "Selasa", "en": "Tuesday"},
    "info.day.wed": {"id": "Rabu", "en": "Wednesday"},
    "info.day.thu": {"id": "Kamis", "en": "Thursday"},
    "info.day.fri": {"id": "Jumat", "en": "Friday"},
    "info.day.sat": {"id": "Sabtu", "en": "Saturday"},
    "info.day.sun": {"id": "Minggu", "en": "Sunday"},
    "info.month.1": {"id": "Januari", "en": "January"},
    "info.month.2": {"id": "Februari", "en": "February"},
    "info.month.3": {"id": "Maret", "en": "March"},
    "info.month.4": {"id": "April", "en": "April"},
    "info.month.5": {"id": "Mei", "en": "May"},
    "info.month.6": {"id": "Juni", "en": "June"},
    "info.month.7": {"id": "Juli", "en": "July"},
    "info.month.8": {"id": "Agustus", "en": "August"},
    "info.month.9": {"id": "September", "en": "September"},
    "info.month.10": {"id": "Oktober", "en": "October"},
    "info.month.11": {"id": "November", "en": "November"},
    "info.month.12": {"id": "Desember", "en": "December"},
    # 14.05 in Indonesian, 14:05 in English
    "info.clock": {"id": "{hour:02d}.{minute:02d}", "en": "{hour:02d}:{minute:02d}"},
    "info.date": {"id": "{day} {month} {year}", "en": "{day} {month} {year}"},
    "info.date_time": {
        "id": "{day} {month} {year}, pukul {clock}",
        "en": "{day} {month} {year} at {clock}",
    },
}
