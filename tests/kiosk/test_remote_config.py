"""The office's configuration: kept on disk, taken between citizens, never under a finger."""

from __future__ import annotations

import json
import logging

from kiosk.remote_config import RemoteConfig


def config(version: int, name: str, services=("kia",)) -> dict:
    return {
        "version": version,
        "kiosk_name": "ADM 01",
        "location": {"id": version, "name": name, "opening_hours": {"mon": "08:00-16:00"}},
        "services": [{"code": c, "name_id": c, "name_en": c} for c in services],
    }


def test_a_new_version_takes_effect_at_once_when_nobody_is_using_the_kiosk(tmp_path, caplog):
    remote = RemoteConfig(tmp_path / "server-config.json")
    seen = []
    remote.add_listener(seen.append)
    with caplog.at_level(logging.INFO, logger="kiosk.remote_config"):
        assert remote.offer(config(2, "Kantor Desa Lappa"))
    assert remote.version == 2 and remote.get("location")["name"] == "Kantor Desa Lappa"
    assert [c["version"] for c in seen] == [2]
    assert "version 2 applied: location 'Kantor Desa Lappa' (2), services kia" in caplog.text
    assert json.loads((tmp_path / "server-config.json").read_text())["version"] == 2


def test_during_a_session_the_new_version_waits_and_takes_effect_when_it_ends(tmp_path):
    remote = RemoteConfig(tmp_path / "server-config.json")
    remote.offer(config(1, "Kantor Kecamatan Sinjai Utara"))
    seen = []
    remote.add_listener(seen.append)

    remote.begin_session()
    assert not remote.offer(config(2, "Kantor Desa Lappa", services=()))
    assert remote.version == 1  # what the heartbeat reports: still the one in effect
    assert remote.newest_version == 2  # so the next heartbeat does not fetch it again
    assert remote.get("location")["name"] == "Kantor Kecamatan Sinjai Utara"
    assert remote.service_codes() == ["kia"]
    assert seen == []
    # already on disk: a restart mid-session starts with it
    assert RemoteConfig(tmp_path / "server-config.json").version == 2

    assert remote.end_session()
    assert remote.version == 2 and remote.service_codes() == []
    assert [c["version"] for c in seen] == [2]
    assert not remote.end_session()  # nothing waits any more


def test_two_versions_during_one_session_leave_the_newest(tmp_path):
    remote = RemoteConfig(tmp_path / "server-config.json")
    remote.begin_session()
    remote.offer(config(2, "A"))
    remote.offer(config(3, "B"))
    remote.end_session()
    assert remote.version == 3 and remote.get("location")["name"] == "B"


def test_the_locations_list_is_kept_on_disk_and_asked_again_when_old(tmp_path):
    remote = RemoteConfig(tmp_path / "server-config.json")
    assert remote.locations == [] and remote.locations_stale()
    remote.set_locations([{"id": 1, "name": "A", "latitude": -5.1}, "not a place"])
    assert remote.locations == [{"id": 1, "name": "A", "latitude": -5.1}]
    assert not remote.locations_stale()
    again = RemoteConfig(tmp_path / "server-config.json")
    assert again.locations == [{"id": 1, "name": "A", "latitude": -5.1}]
    assert again.locations_stale()  # from disk: worth asking the server once more


def test_a_corrupt_copy_is_set_aside_and_the_kiosk_waits_for_the_server(tmp_path):
    path = tmp_path / "server-config.json"
    path.write_text("{not json")
    remote = RemoteConfig(path)
    assert remote.version == 0 and remote.get("location") is None
    assert (tmp_path / "server-config.corrupt").read_text() == "{not json"
