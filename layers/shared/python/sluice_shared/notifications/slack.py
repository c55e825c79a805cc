"""Post to a Slack incoming webhook: the URL is the only credential, the answer is `ok`.

An incoming webhook cannot reply in a thread and returns no message `ts`, and nothing can read
its channel back: a post whose outcome is unknown cannot be checked (see `slack_api` for the
bot-token mode that can).
https://api.slack.com/messaging/webhooks
"""

from __future__ import annotations

from collections.abc import Callable

import requests

from sluice_shared import clock as shared_clock
from sluice_shared.notifications.posting import (
    TIMEOUTS,
    Message,
    PostMark,
    PostOutcome,
    SlackPoster,
    not_answered,
    refused,
)


class SlackWebhook(SlackPoster):
    """One incoming-webhook URL, posted to by one invocation at a time."""

    def __init__(
        self,
        url: str,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = shared_clock.sleep,
        monotonic: Callable[[], float] = shared_clock.monotonic,
    ) -> None:
        super().__init__(session=session, sleep=sleep, monotonic=monotonic)
        self._url = url

    def _post_once(
        self, message: Message, mark: PostMark | None, thread_ts: str | None
    ) -> PostOutcome:
        """POST the message as it is (webhooks ignore marks and threads)."""
        try:
            response = self._session.post(self._url, json=message, timeout=TIMEOUTS)
        except requests.RequestException as error:
            return not_answered(error)
        if response.status_code == 200:
            return PostOutcome(delivered=True, status=200)
        return refused(response)
