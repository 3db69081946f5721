"""How long the server takes to render each document type it issues (median and p90).

The server renders a PDF once, when it issues the document (server/issuance.py for the KK,
server/applications/bundle.py for the other types of an application's bundle), and stores it.
This bench times that render call alone: ``render_kk_pdf`` for the Kartu Keluarga and
``render_generic_pdf`` for every other type in the service catalogue, with the page content
built the way the server builds it (``bundle._rows`` over a filled-in application of the first
service that yields the type) and a QR of a token signed by a real ``Signer``, so the QR has the
server's length.

The types take turns render by render, so load from other work on the machine hits all alike.

Run: ``.venv/bin/python bench/pdf_render.py`` (about 1 minute on the project's 2-core machine;
``--renders 5`` for a quick look).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from importlib.metadata import version
from pathlib import Path

from server.applications.bundle import _rows, document_number
from server.applications.models import Application
from server.catalogue import Catalogue, default_catalogue
from server.documents.generic_pdf import GenericDocumentView, render_generic_pdf
from server.documents.kk_pdf import render_kk_pdf
from server.documents.samples import SAMPLE_KK, sample_member
from server.documents.views import KartuKeluargaView
from server.models import Family, Resident
from server.signing import Signer

PUBLIC_URL = "https://adm.sinjaikab.go.id"
ISSUED = date(2026, 11, 22)
OFFICIAL = {
    "place": "Sinjai",
    "name": "Drs. H. Andi Mappasere, M.Si.",
    "nip": "19700812 199503 1 004",
    "title": "Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Sinjai",
}

# What a citizen would type into each form field (by field code), for the generic pages.
SAMPLE_FIELDS = {
    "nama_anak": "Andi Nurul Annisa Tenriabeng",
    "jenis_kelamin": "P",
    "tempat_lahir": "Sinjai",
    "tanggal_lahir": "2026-11-01",
    "nama_ayah": "Andi Muhammad Rizal",
    "nama_ibu": "Andi Tenri Ola",
    "nomor_kk": "7307051203240003",
    "nik_almarhum": "7307051408520001",
    "nama_almarhum": "H. Andi Baco Patunrui",
    "tanggal_kematian": "2026-11-10",
    "tempat_kematian": "RSUD Sinjai, Jl. Jend. Sudirman, Balangnipa",
    "sebab_kematian": "Sakit",
    "hubungan_pelapor": "Anak kandung",
    "jenis_perubahan": "tambah_anggota",
    "keterangan": "Penambahan anggota keluarga karena kelahiran anak keempat",
    "nik_anak": "7307055706160002",
    "nik_suami": "7307051408820002",
    "nama_suami": "Andi Muhammad Rizal",
    "nik_istri": "7307056305860001",
    "nama_istri": "Andi Tenri Ola",
    "tanggal_perkawinan": "2008-06-14",
    "tempat_perkawinan": "Masjid Agung Al-Mujahidin, Sinjai",
    "agama": "Islam",
    "nama_pemuka_agama": "K.H. Muhammad Yusuf",
    "nomor_akta_perkawinan": "7307-KW-14062008-0012",
    "nomor_putusan": "123/Pdt.G/2026/PA.Sinj",
    "tanggal_putusan": "2026-10-30",
    "alamat_tujuan": "Jl. Urip Sumoharjo No. 45, RT 003/RW 005, Kel. Karuwisi",
    "kabupaten_tujuan": "Kota Makassar",
    "provinsi_tujuan": "Sulawesi Selatan",
    "alasan_pindah": "pekerjaan",
    "anggota_pindah": "Andi Muhammad Rizal, Andi Tenri Ola, Andi Arya Mappatunru",
    "keperluan": "Persyaratan pendaftaran sekolah anak",
}


def kk_with(members: int) -> KartuKeluargaView:
    """SAMPLE_KK with this many members (children added after the sample's four)."""
    rows = list(SAMPLE_KK.members[:members])
    for i in range(len(rows), members):
        rows.append(
            sample_member(
                nik=f"73070502{i + 1:02d}1800{i:02d}",
                name=f"ANDI ANAK KE-{i + 1} MAPPATUNRU",
                sex="LAKI-LAKI",
                birth_date=date(2018, 1, i + 1),
                education="TIDAK/BELUM SEKOLAH",
                occupation="BELUM/TIDAK BEKERJA",
                marital_status="BELUM KAWIN",
                relation="ANAK",
                father_name="ANDI MUHAMMAD RIZAL",
                mother_name="ANDI TENRI OLA",
            )
        )
    return replace(SAMPLE_KK, members=tuple(rows))


def applicant() -> Resident:
    """The head of SAMPLE_KK as a register entry (not stored), for BIODATA_PENDUDUK."""
    family = Family(
        kk_number=SAMPLE_KK.kk_number,
        address="Jl. Persatuan Raya No. 27",
        rt_rw=SAMPLE_KK.rt_rw,
        village="Biringere",
        district="Sinjai Utara",
    )
    return Resident(
        nik="7307051408820002",
        name="Andi Muhammad Rizal",
        sex="L",
        birth_place="Sinjai",
        birth_date=date(1982, 8, 14),
        religion="Islam",
        marital_status="KAWIN",
        occupation="Pegawai Negeri Sipil",
        family=family,
    )


def generic_view(catalogue: Catalogue, code: str) -> GenericDocumentView:
    """The page the server would issue for this type, from the first service that yields it."""
    service = next(s for s in catalogue.services.values() if code in s.bundle)
    application = Application(
        ticket="ADM-7307-2611-7KQ2", region_code="73.07.05", applicant_nik="7307051408820002"
    )
    application.set_fields({f.code: SAMPLE_FIELDS[f.code] for f in service.fields})
    doc_type = catalogue.document_types[code]
    return GenericDocumentView(
        doc_type=code,
        title=doc_type.name_id,
        number=document_number(application, doc_type.number_prefix, ISSUED),
        rows=_rows(service, application, applicant(), code),
        issued_on=ISSUED,
        issued_place=OFFICIAL["place"],
        official_name=OFFICIAL["name"],
        official_nip=OFFICIAL["nip"],
        official_title=OFFICIAL["title"],
        region_code=application.region_code,
    )


def cases(signer: Signer) -> list[tuple[str, str, Callable[[], bytes]]]:
    """(document type, what is on it, render call) for every type the server issues."""
    catalogue = default_catalogue()

    def qr(code: str, number: str) -> str:
        payload = {"i": "0123456789abcdef", "t": code, "n": number, "d": ISSUED.isoformat()}
        return f"{PUBLIC_URL}/v/{signer.sign({**payload, 'h': 'f' * 24})}"

    out: list[tuple[str, str, Callable[[], bytes]]] = []
    kk_sizes = ((4, "4 members"), (10, "10 members, full page"), (13, "13 members, 2 pages"))
    for members, note in kk_sizes:
        view = kk_with(members)
        content = qr("KK", view.kk_number)
        out.append(("KK", note, lambda v=view, c=content: render_kk_pdf(v, c)))
    for code in catalogue.document_types:
        if code == "KK":
            continue
        gview = generic_view(catalogue, code)
        content = qr(code, gview.number)
        rows = f"{len(gview.rows)} rows"
        out.append((code, rows, lambda v=gview, c=content: render_generic_pdf(v, c)))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=30, help="timed renders per type")
    parser.add_argument("--warmup", type=int, default=3, help="untimed renders per type first")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as keys:
        all_cases = cases(Signer(Path(keys)))
    sizes: dict[int, int] = {}
    pages: dict[int, int] = {}
    for i, (_, _, render) in enumerate(all_cases):
        for _ in range(args.warmup):
            pdf = render()
        sizes[i], pages[i] = len(pdf), len(re.findall(rb"/Type\s*/Page\b", pdf))
    times: dict[int, list[float]] = {i: [] for i in range(len(all_cases))}
    cpu: dict[int, list[float]] = {i: [] for i in range(len(all_cases))}
    started = time.perf_counter()
    for _ in range(args.renders):
        for i, (_, _, render) in enumerate(all_cases):
            t0, c0 = time.perf_counter(), time.process_time()
            render()
            times[i].append((time.perf_counter() - t0) * 1000)
            cpu[i].append((time.process_time() - c0) * 1000)
    wall = time.perf_counter() - started

    print(
        f"PDF render time per document type: {args.renders} renders each after {args.warmup} "
        f"warm-up, types interleaved; Python {platform.python_version()}, "
        f"fpdf2 {version('fpdf2')}, {len(all_cases) * args.renders} renders in {wall:.0f} s"
    )
    print()
    print(
        "| document type     | content               | median ms | p90 ms | median CPU ms "
        "| pages | PDF bytes |"
    )
    print(
        "|-------------------|-----------------------|----------:|-------:|--------------:"
        "|------:|----------:|"
    )
    for i, (code, note, _) in enumerate(all_cases):
        print(
            f"| {code:<17} | {note:<21} | {statistics.median(times[i]):9.1f} "
            f"| {percentile(times[i], 0.9):6.1f} | {statistics.median(cpu[i]):13.1f} "
            f"| {pages[i]:5d} | {sizes[i]:9,d} |"
        )
    print()
    print(
        "median/p90 ms: wall clock of one render call; CPU ms: the process's CPU time for it "
        f"(less moved by other work on the machine; load average {os.getloadavg()[0]:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
