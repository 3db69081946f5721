"""Every screen's text fits: nothing cut, spilling out of its box, or drawn over other text.

The large-text (high-contrast) mode scales type by 1.3, and English and Bahasa Indonesia differ
in length; a layout that fits one may not fit another. One run of the app's screenshot tour
(``adm-kiosk app --tour``, screens/tour.py) shows every screen in both languages, normal and
high contrast, in a real window on Xvfb against the real server, and measures each as it is
laid out (screens.tour.layout_problems): each label's rendered text against its box and the
layouts around it, each box or grid layout's children against the layout, and every pair of
texts on the screen for overlap. Every citizen screen is held to it; the technician's screens
(staff only) are not.
"""

# ruff: noqa: F811 (tests take the imported fixture display as a parameter)

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from support import BIN, ServerProcess, write_kiosk_config
from ui.test_kiosk_app import ARTIFACTS, display  # noqa: F401

from devices.simulators.host import SimulatorHost

pytestmark = pytest.mark.ui

SETTLE_S = 0.3  # per screen; the list screens wait 1.5 s for the server (screens/tour.py)
TOUR_TIMEOUT_S = 240


def test_no_screen_cuts_spills_or_overlaps_text_in_either_language_or_high_contrast(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    server: ServerProcess,
    sim: SimulatorHost,
    display: str,
) -> None:
    config = write_kiosk_config(tmp_path, server, sim)
    out = tmp_path / "tour"
    env = dict(os.environ, DISPLAY=display, KIVY_NO_ARGS="1", ADM_TOUR_SETTLE_S=str(SETTLE_S))
    with open(tmp_path / "app.err", "w") as err:
        done = subprocess.run(
            [BIN / "adm-kiosk", "app", "--config", str(config), "--tour", str(out)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            timeout=TOUR_TIMEOUT_S,
        )
    keep = ARTIFACTS / request.node.name  # every screenshot, for a person to look at
    shutil.rmtree(keep, ignore_errors=True)
    shutil.copytree(out, keep)
    assert done.returncode == 0, (tmp_path / "app.err").read_text()[-3000:]

    shots = sorted(p.stem for p in out.glob("*.png"))
    screens = {name.rsplit("-", 2 if name.endswith("-hc") else 1)[0] for name in shots}
    expected = {"attract", "language", "menu", "scan", "scan@refused", "survey", "status", "done"}
    assert expected <= screens, sorted(expected - screens)
    assert len(shots) == 4 * len(screens), "each screen in id and en, normal and high contrast"

    everywhere = json.loads((out / ".layout.json").read_text())
    # the staff screens (technician*) are left out: they show the live state of the devices,
    # whose words change with it; the tour still logs what it finds on them
    problems = {s: p for s, p in everywhere.items() if not s.startswith("technician")}
    listing = "\n".join(f"{stop}: {p}" for stop, found in sorted(problems.items()) for p in found)
    assert problems == {}, f"{len(problems)} screens lay out badly (see {keep}):\n{listing}"


CROWDED = """
import json
from kivy.app import App
from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from screens.tour import layout_problems

class Crowded(App):
    def build(self):
        root = BoxLayout(orientation="vertical", padding=40)
        # two 120 px texts in a 150 px column: the first spills up over the heading
        root.add_widget(Label(text="Heading", size_hint_y=None, height=60, font_size=40))
        column = BoxLayout(orientation="vertical", size_hint_y=None, height=150)
        for words in ("First line of text", "Second line of text"):
            column.add_widget(Label(text=words, size_hint_y=None, height=120, font_size=30))
        root.add_widget(column)
        # three lines of words in a box with room for one: cut
        tile = Label(text="Sangat tidak puas", font_size=30, size_hint=(None, None))
        tile.size = (110, 40)
        tile.text_size = tile.size
        root.add_widget(tile)
        Clock.schedule_once(self.measure, 0.5)
        return root

    def measure(self, dt):
        print(json.dumps(layout_problems(self.root)))
        self.stop()

Crowded().run()
"""


def test_the_layout_check_finds_spilled_cut_and_overlapping_text(
    tmp_path: Path, display: str
) -> None:
    """The check the tour runs, against a layout crowded on purpose (a check that cannot fail
    proves nothing)."""
    script = tmp_path / "crowded.py"  # Kivy's App looks for its kv file beside its source
    script.write_text(CROWDED)
    env = dict(os.environ, DISPLAY=display, KIVY_NO_ARGS="1", KIVY_LOG_MODE="PYTHON")
    done = subprocess.run(
        [BIN / "python", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    said = "\n".join(found)
    assert "Label 'First line of text'" in said and "spills out of its BoxLayout" in said, said
    assert "Label 'Sangat tidak puas': text is cut" in said, said
    assert "are drawn over each other" in said, said
