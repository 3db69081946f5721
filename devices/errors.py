"""The device layer's own exceptions, with messages a technician can act on."""


class DeviceError(Exception):
    """A device could not do what was asked."""


class DeviceOffline(DeviceError):
    """The device is unplugged, powered off or unreachable."""


class DeviceNotReady(DeviceError):
    """The device answers but cannot work now (paper out, cover open, queue stopped)."""


class JobFailed(DeviceError):
    """A print job was accepted and then did not complete."""


class DriverUnavailable(DeviceError):
    """The configured driver needs a library or system service that is not installed."""


class ConfigError(DeviceError):
    """A device section of the configuration names an unknown driver or a bad option."""
