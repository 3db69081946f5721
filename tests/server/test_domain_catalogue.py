"""The service catalogue is data: the shipped file loads, and a broken one says where it breaks."""

from __future__ import annotations

import pytest

from server.catalogue import SERVICES_FILE, CatalogueError, load_catalogue

SERVICES = {
    "akta_kelahiran",
    "akta_kematian",
    "perubahan_kk",
    "kia",
    "akta_perkawinan",
    "akta_perceraian",
    "skpwni",
    "biodata_penduduk",
}

MINIMAL = """
version = 1

[document_types.KIA]
name_id = "Kartu Identitas Anak"
name_en = "Child identity card"
number_prefix = "KIA"

[[services]]
code = "kia"
name_id = "Kartu Identitas Anak"
name_en = "Child identity card"
bundle = ["KIA"]
holder_fields = ["nama_anak"]

[[services.papers]]
code = "kk"
name_id = "Kartu Keluarga"
name_en = "Family card"
required = true

[[services.fields]]
code = "nama_anak"
name_id = "Nama anak"
name_en = "Child's name"
type = "text"
required = true
"""


def write(tmp_path, text: str):
    path = tmp_path / "services.toml"
    path.write_text(text)
    return path


def test_the_shipped_catalogue_loads_with_every_service():
    catalogue = load_catalogue()

    assert set(catalogue.services) == SERVICES


def test_bundles_are_the_ones_the_offices_issue():
    services = load_catalogue().services

    assert services["akta_kelahiran"].bundle == ("AKTA_KELAHIRAN", "KK", "KIA")  # "3 in 1"
    assert services["akta_kematian"].bundle == ("AKTA_KEMATIAN", "KK")
    assert services["akta_perkawinan"].bundle == ("AKTA_PERKAWINAN", "KK")
    assert services["perubahan_kk"].bundle == ("KK",)


def test_every_service_names_its_papers_and_fields_in_both_languages():
    for service in load_catalogue().services.values():
        assert service.name_id and service.name_en
        assert any(p.required for p in service.papers), service.code
        assert any(f.required for f in service.fields), service.code
        for item in (*service.papers, *service.fields):
            assert item.name_id and item.name_en, (service.code, item.code)


def test_akta_kelahiran_asks_for_the_birth_statement_and_the_parents_ktp():
    service = load_catalogue().services["akta_kelahiran"]

    required = {p.code for p in service.papers if p.required}
    assert {"surat_keterangan_lahir", "ktp_ayah", "ktp_ibu", "kk_lama"} <= required
    assert service.paper("buku_nikah") is not None
    assert not service.paper("buku_nikah").required
    birth = service.field("tanggal_lahir")
    assert birth is not None and birth.type == "date" and birth.required


def test_a_minimal_file_loads(tmp_path):
    catalogue = load_catalogue(write(tmp_path, MINIMAL))

    assert list(catalogue.services) == ["kia"]
    assert catalogue.services["kia"].holder_fields == ("nama_anak",)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('bundle = ["KIA"]', 'bundle = ["KIA", "PASPOR"]', "service 'kia': key 'bundle'"),
        ('bundle = ["KIA"]', "bundle = []", "service 'kia': key 'bundle'"),
        ('type = "text"', 'type = "number"', "service 'kia': field 'nama_anak': key 'type'"),
        ('code = "kia"', 'code = "KIA Baru"', "services[0]: key 'code'"),
        ('holder_fields = ["nama_anak"]', 'holder_fields = ["nama"]', "key 'holder_fields'"),
        ('name_en = "Family card"', 'name_en = "Family card"\nrequried = true', "'requried'"),
        ('number_prefix = "KIA"', 'number_prefix = ""', "document type 'KIA': key 'number_prefix'"),
        ("version = 1", "version = 2", "key 'version'"),
        ('name_id = "Nama anak"', 'name_id = ""', "field 'nama_anak': key 'name_id'"),
    ],
)
def test_a_broken_file_names_the_service_and_the_key(tmp_path, old, new, expected):
    assert old in MINIMAL
    path = write(tmp_path, MINIMAL.replace(old, new, 1))

    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)

    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_paper_table_without_required_names_the_service_and_the_paper(tmp_path):
    text = MINIMAL.replace("required = true\n\n[[services.fields]]", "\n[[services.fields]]")

    with pytest.raises(CatalogueError, match=r"service 'kia': papers\[0\]: key 'required'"):
        load_catalogue(write(tmp_path, text))


def test_the_same_service_twice_is_refused(tmp_path):
    service = MINIMAL[MINIMAL.index("[[services]]") :]

    with pytest.raises(CatalogueError, match="key 'services': code 'kia' appears twice"):
        load_catalogue(write(tmp_path, MINIMAL + service))


def test_a_choice_field_needs_options(tmp_path):
    text = MINIMAL.replace('type = "text"', 'type = "choice"')

    with pytest.raises(CatalogueError, match="field 'nama_anak': key 'options'"):
        load_catalogue(write(tmp_path, text))


def test_a_file_that_is_not_toml_is_refused_with_its_line(tmp_path):
    with pytest.raises(CatalogueError, match="not valid TOML.*line 4"):
        load_catalogue(
            write(tmp_path, MINIMAL.replace("[document_types.KIA]", "[document_types.KIA"))
        )


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CatalogueError, match="cannot be read"):
        load_catalogue(tmp_path / "nope.toml")


def test_the_shipped_file_is_where_the_server_reads_it():
    assert SERVICES_FILE.name == "services.toml"
    assert SERVICES_FILE.is_file()
