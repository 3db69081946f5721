"""Texts of the kiosk-locations flow: where the other kiosks stand and when they are open."""

MESSAGES = {
    "menu.locations.title": {"id": "Lokasi ADM", "en": "Kiosk locations"},
    "menu.locations.body": {
        "id": "Alamat dan jam buka Anjungan Dukcapil Mandiri di tempat lain.",
        "en": "Addresses and opening hours of the other self-service kiosks.",
    },
    "locations.title": {
        "id": "Lokasi Anjungan Dukcapil Mandiri",
        "en": "Self-service kiosk locations",
    },
    "locations.here": {"id": "Anda di sini", "en": "You are here"},
    "locations.open_now": {
        "id": "Buka sekarang, sampai pukul {time}",
        "en": "Open now, until {time}",
    },
    "locations.opens_today": {
        "id": "Tutup sekarang. Buka hari ini pukul {time}",
        "en": "Closed now. Opens today at {time}",
    },
    "locations.opens_next": {
        "id": "Tutup sekarang. Buka lagi hari {day} pukul {time}",
        "en": "Closed now. Opens again on {day} at {time}",
    },
    "locations.closed_now": {"id": "Tutup sekarang", "en": "Closed now"},
    "locations.closed": {"id": "Tutup", "en": "Closed"},
    "locations.no_hours": {
        "id": "Jam buka belum ditentukan",
        "en": "Opening hours not set yet",
    },
    "locations.hours": {"id": "{start}\u2013{end} {zone}", "en": "{start}\u2013{end} {zone}"},
    "locations.days": {"id": "{first}\u2013{last}", "en": "{first}\u2013{last}"},
    "locations.empty": {
        "id": "Belum ada lokasi anjungan yang terdaftar.",
        "en": "No kiosk locations are listed yet.",
    },
}
