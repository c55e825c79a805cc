"""The local cloud runs the shared layer's waits and timestamps on its own clock."""

from pathlib import Path

from sluice.clock import VirtualClock
from sluice.cloud.handler_clock import install_handler_clock
from sluice_shared import clock as shared_clock

SHARED_LAYER = Path(__file__).resolve().parents[3] / "layers/shared/python"


def test_given_the_cloud_clock_installed_when_it_advances_then_the_shared_layer_sees_it():
    cloud_clock = VirtualClock()
    restore = install_handler_clock(cloud_clock, [SHARED_LAYER])
    try:
        started, counter = shared_clock.time(), shared_clock.monotonic()
        assert started == cloud_clock.now().timestamp()
        cloud_clock.advance(90)
        assert shared_clock.time() == started + 90
        assert shared_clock.monotonic() == counter + 90
    finally:
        restore()


def test_given_the_cloud_stopped_when_restored_then_the_shared_layer_is_on_real_time_again():
    restore = install_handler_clock(VirtualClock(), [SHARED_LAYER])
    restore()
    assert shared_clock.install(shared_clock.REAL_TIME) is shared_clock.REAL_TIME


def test_given_a_template_without_the_shared_layer_when_installing_then_nothing_changes(
    monkeypatch,
):
    monkeypatch.setattr("sluice.cloud.handler_clock._SHARED_CLOCK_MODULE", "no_such_layer.clock")
    restore = install_handler_clock(VirtualClock(), [])
    restore()
    assert shared_clock.install(shared_clock.REAL_TIME) is shared_clock.REAL_TIME
