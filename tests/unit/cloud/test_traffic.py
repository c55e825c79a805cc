"""The main job's webhook sender: a steady rate on the clock, every webhook sent once."""

import threading

from sluice.clock import ScaledClock
from sluice.cloud.traffic import send_all
from sluice.loopback import KeepAliveRequestHandler, LoopbackHTTPServer, LoopbackService
from sluice.simulators.webhooks import SignedWebhook

CLOCK = ScaledClock(scale=100.0)


class _Recorder(KeepAliveRequestHandler):
    """Answers 202 and notes when (on CLOCK) each body arrived."""

    arrivals: dict[bytes, float] = {}
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.lock:
            self.arrivals[body] = CLOCK.monotonic()
        answer = b"{}"
        self.send_response(202)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def test_given_a_rate_when_sending_then_the_nth_webhook_starts_n_intervals_after_the_first():
    webhooks = [SignedWebhook(f"order-{n}".encode(), {}) for n in range(6)]
    _Recorder.arrivals = {}
    with LoopbackService(LoopbackHTTPServer(_Recorder), thread_name="recorder") as service:
        started = CLOCK.monotonic()
        deliveries = send_all(webhooks, service.url, CLOCK, senders=3, per_minute=30.0)
    assert [delivery.status for delivery in deliveries] == [202] * 6
    offsets = [_Recorder.arrivals[w.body] - started for w in webhooks]
    assert all(offset >= 2.0 * n for n, offset in enumerate(offsets))


def test_given_no_rate_when_sending_then_every_webhook_is_sent_without_waiting_for_the_clock():
    webhooks = [SignedWebhook(f"burst-{n}".encode(), {}) for n in range(4)]
    _Recorder.arrivals = {}
    with LoopbackService(LoopbackHTTPServer(_Recorder), thread_name="recorder") as service:
        deliveries = send_all(webhooks, service.url, CLOCK, senders=4)
    assert sorted(_Recorder.arrivals) == sorted(w.body for w in webhooks)
    assert all(delivery.attempts == 1 for delivery in deliveries)
