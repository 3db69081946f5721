"""Fixtures of the reliability tests: the proof harness's real server, simulators and kiosk.

General on purpose (other reliability tests may use them): a server with a short claim lease,
the simulated scanner, receipt printer and camera, and a kiosk driver process that can be
SIGKILLed (proof/kiosk_driver.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.simulators.host import SimulatorHost
from proof.journeys import DriverProcess, ServerRig, write_kiosk_config

SHORT_LEASE = 4  # seconds: a claim left by a dead kiosk frees its code quickly


@pytest.fixture
def lease_server(tmp_path: Path) -> Iterator[ServerRig]:
    """`adm-server demo` + `serve` on a free loopback port, claims leased SHORT_LEASE seconds."""
    rig = ServerRig(tmp_path, lease_seconds=SHORT_LEASE)
    rig.prepare()
    rig.start()
    try:
        yield rig
    finally:
        rig.stop()


@pytest.fixture
def sim_with_camera(tmp_path: Path) -> Iterator[SimulatorHost]:
    """The simulated scanner, receipt printer and camera, with their control socket."""
    host = SimulatorHost(tmp_path / "sim", camera=True)
    host.serve()
    try:
        yield host
    finally:
        host.close()


@pytest.fixture
def kiosk_driver(
    tmp_path: Path, lease_server: ServerRig, sim_with_camera: SimulatorHost
) -> Iterator[DriverProcess]:
    """proof/kiosk_driver.py against ``lease_server``, started; killed at the end."""
    config = write_kiosk_config(
        tmp_path, lease_server.url, lease_server.credential_file, sim_with_camera
    )
    driver = DriverProcess(config, sim_with_camera.run_dir, tmp_path / "kiosk-driver.err")
    driver.start()
    try:
        yield driver
    finally:
        driver.kill()
