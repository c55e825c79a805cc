"""The console's routes: GET pages, POST actions answered with a redirect (POST/redirect/GET).

- `GET /`: executions, filtered by `workflow` and `status` (`page` pages on);
- `GET /execution?arn=...`: one execution, its steps, the redrive button, the re-run form;
- `POST /redrive` (`arn`): RedriveExecution, then back to the execution;
- `POST /rerun` (`arn`, `input`): StartExecution with the edited input under a re-run name,
  then to the new execution; a refused input shows the form again with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from sluice.console.api import ConsoleError, ExecutionPage, ExecutionQuery, ExecutionsApi
from sluice.console.execution_page import execution_page
from sluice.console.executions_page import executions_page
from sluice.console.flashes import Flashes
from sluice.console.layout import Flash, error_page, when
from sluice.console.paths import (
    EXECUTION_PATH,
    EXECUTIONS_PATH,
    REDRIVE_PATH,
    RERUN_PATH,
    STYLESHEET_PATH,
)
from sluice.console.style import STYLESHEET

HTML = "text/html; charset=utf-8"
CSS = "text/css; charset=utf-8"


@dataclass(frozen=True)
class Response:
    """What to answer: status, body, content type and extra headers (e.g. Location)."""

    status: int
    body: str
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)


class ConsoleApp:
    """Answers console requests through an `ExecutionsApi`."""

    def __init__(self, api: ExecutionsApi, flashes: Flashes | None = None) -> None:
        self._api = api
        self._flashes = flashes or Flashes()

    def get(self, path: str, query: Mapping[str, str]) -> Response:
        """Answer a GET of `path` with its query parameters."""
        flash = self._flashes.get(query.get("flash"))
        if path == EXECUTIONS_PATH:
            return self._executions(query, flash)
        if path == EXECUTION_PATH:
            return self._execution(query.get("arn"), flash)
        if path == STYLESHEET_PATH:
            return Response(200, STYLESHEET, CSS)
        return Response(404, error_page(f"There is no page at {path}."))

    def post(self, path: str, form: Mapping[str, str]) -> Response:
        """Answer a POST of a form to `path`."""
        arn = form.get("arn")
        if path not in (REDRIVE_PATH, RERUN_PATH):
            return Response(404, error_page(f"There is no action at {path}."))
        if not arn:
            return Response(400, error_page("The form did not say which execution."))
        if path == REDRIVE_PATH:
            return self._redrive(arn)
        return self._rerun(arn, form.get("input", ""))

    def _executions(self, query: Mapping[str, str], flash: Flash | None) -> Response:
        chosen = ExecutionQuery(
            workflow=query.get("workflow") or None,
            status=query.get("status") or None,
            page_token=query.get("page") or None,
        )
        workflows = []
        listed: ExecutionPage | None = None
        try:
            workflows = self._api.workflows()
            listed = self._api.executions(chosen, workflows)
        except ConsoleError as error:
            failure = Flash("error", str(error))
            return Response(error.status, executions_page(chosen, workflows, None, failure))
        return Response(200, executions_page(chosen, workflows, listed, flash))

    def _execution(self, arn: str | None, flash: Flash | None) -> Response:
        if not arn:
            return Response(400, error_page("Which execution? The link has no arn."))
        try:
            detail = self._api.execution(arn)
        except ConsoleError as error:
            return Response(error.status, error_page(str(error), flash))
        return Response(200, execution_page(detail, flash=flash))

    def _redrive(self, arn: str) -> Response:
        try:
            redriven = self._api.redrive(arn)
        except ConsoleError as error:
            return self._redirect(arn, "error", f"Not redriven. {error}")
        name = arn.rsplit(":", 1)[-1]
        return self._redirect(arn, "notice", f"Redrive of {name} started at {when(redriven)}.")

    def _rerun(self, arn: str, edited_input: str) -> Response:
        try:
            started = self._api.rerun(arn, edited_input)
        except ConsoleError as refused:
            try:
                detail = self._api.execution(arn)
            except ConsoleError as error:
                return Response(error.status, error_page(str(error)))
            page = execution_page(detail, rerun_text=edited_input, rerun_error=str(refused))
            return Response(refused.status, page)
        name = started.rsplit(":", 1)[-1]
        return self._redirect(started, "notice", f"Re-run started as {name}.")

    def _redirect(self, arn: str, kind: str, message: str) -> Response:
        token = self._flashes.add(kind, message)
        location = f"{EXECUTION_PATH}?{urlencode({'arn': arn, 'flash': token})}"
        return Response(303, "", headers={"Location": location})
