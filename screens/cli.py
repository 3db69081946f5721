"""adm-kiosk: the touchscreen kiosk app, plus the headless core and simulators from kiosk/."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from kiosk import cli as kiosk_cli
from kiosk.config import DisplayConfig


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adm-kiosk",
        description="ADM kiosk. 'app' runs the touchscreen app; 'core' runs the same kiosk "
        "without a screen; 'sim' runs and drives simulated devices.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    app = sub.add_parser("app", help="run the touchscreen app")
    app.add_argument("--config", default=kiosk_cli.DEFAULT_CONFIG)
    app.add_argument("--screenshot-dir", help="save a screenshot at every screen change")
    app.add_argument(
        "--tour",
        metavar="DIR",
        help="save every screen in both languages and high contrast to DIR, then quit",
    )
    app.add_argument("--fullscreen", action="store_true", help="fill the screen (a real kiosk)")
    app.add_argument("--size", default="1280x800", help="window size when not fullscreen")
    kiosk_cli.add_subcommands(sub)
    return parser


def kivy_input(display: DisplayConfig) -> dict[str, str]:
    """Kivy's ``[input]`` section: exactly one provider per device, so a touch counts once.

    Kivy's default has the mouse AND ``probesysfs`` on Linux: with X driving a touchscreen as its
    pointer, every touch then arrives twice (kivy/kivy#1903). Without a touchscreen configured the
    window's mouse is the only input (its right button must not leave multitouch dots); with one,
    that device is read directly and the mouse is off.
    """
    if not display.touchscreen:
        return {"mouse": "mouse,disable_multitouch"}
    if display.touch_device == "probe":
        return {"touchscreen": f"probesysfs,provider={display.touch_provider}"}
    return {"touchscreen": f"{display.touch_provider},{display.touch_device}"}


def configure_kivy(display: DisplayConfig, fullscreen: bool, size: str) -> None:
    """Window, cursor and input, set before Kivy opens its window (it reads them once)."""
    from kivy.config import Config

    width, _, height = size.partition("x")
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "width", width)
    Config.set("graphics", "height", height)
    # A kiosk is touched, never pointed at: no arrow left where the last finger was.
    Config.set("graphics", "show_cursor", "0" if fullscreen else "1")
    for option in Config.options("input"):  # KIVY_HOME's config.ini holds Kivy's defaults
        Config.remove_option("input", option)
    for name, provider in kivy_input(display).items():
        Config.set("input", name, provider)
    Config.set("kivy", "exit_on_escape", "0")
    # A touchscreen of forms and fades looks the same at 30 frames a second as at Kivy's 60, and
    # the attract screen's animation then costs half the CPU (and heat, in a closed kiosk box).
    Config.set("graphics", "maxfps", "30")


def run_app(args: argparse.Namespace) -> int:
    from kiosk.config import load_config
    from kiosk.errors import ConfigError
    from kiosk.logs import setup_logging

    try:
        config = load_config(Path(args.config))
    except ConfigError as exc:
        sys.stderr.write(f"adm-kiosk: {exc}\n")
        return 2
    setup_logging(config.log_dir, stderr=True)
    # Kivy reads these at import: no command-line parsing of ours, its logs through ours.
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KIVY_HOME", str((config.data_dir / "kivy").resolve()))
    configure_kivy(config.display, args.fullscreen, args.size)
    log = logging.getLogger("screens")
    log.info(
        "input: %s; cursor %s",
        ", ".join(f"{k} = {v}" for k, v in kivy_input(config.display).items()),
        "hidden" if args.fullscreen else "shown",
    )

    from screens.app import KioskApp
    from screens.base import set_debounce

    set_debounce(config.display.debounce_key_ms, config.display.debounce_action_ms)

    def make_core() -> Any:
        """The kiosk's brain: made after the attract screen shows (its imports are heavy)."""
        from kiosk.core import KioskCore

        return KioskCore(config)

    app = KioskApp(
        make_core,
        language=config.language,
        config=config,
        screenshot_dir=args.screenshot_dir,
        tour_dir=args.tour,
        idle_timeout=config.idle_timeout,
        window_size=None if args.fullscreen else window_size(args.size),
    )
    try:
        app.run()
    finally:
        if app.core is not None:
            app.core.stop()
    if app.start_error:
        sys.stderr.write(f"adm-kiosk: {app.start_error}\n")
        return 2
    return 0


def window_size(size: str) -> tuple[int, int]:
    width, _, height = size.partition("x")
    return int(width), int(height)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "app":
        return run_app(args)
    return kiosk_cli.run_subcommand(args)


if __name__ == "__main__":
    sys.exit(main())
