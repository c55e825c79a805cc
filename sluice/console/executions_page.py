"""The executions page: executions by workflow and status, with filters and paging."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sluice.console.api import STATUSES, ExecutionPage, ExecutionQuery, Workflow
from sluice.console.layout import Flash, badge, flash_box, page, text, url, when
from sluice.console.paths import EXECUTION_PATH, EXECUTIONS_PATH


def executions_page(
    query: ExecutionQuery,
    workflows: list[Workflow],
    listed: ExecutionPage | None,
    flash: Flash | None = None,
) -> str:
    """Executions by workflow and status: filters, a table, and a link to the next page."""
    parts = [
        "<h1>Executions</h1>",
        flash_box(flash),
        _filters(query, workflows),
    ]
    if listed is not None:
        parts.append(_counts(listed.executions))
        parts.append(_executions_table(listed.executions))
        parts.append(_paging(query, listed))
    return page("Executions", "\n".join(parts))


def _filters(query: ExecutionQuery, workflows: list[Workflow]) -> str:
    workflow_options = _options(
        [("", "All workflows"), *((w.name, w.name) for w in workflows)], query.workflow
    )
    status_options = _options(
        [("", "Any status"), *((s, s.replace("_", " ")) for s in STATUSES)], query.status
    )
    return f"""<form class="filters" method="get" action="{EXECUTIONS_PATH}">
<label>Workflow <select name="workflow">{workflow_options}</select></label>
<label>Status <select name="status">{status_options}</select></label>
<button type="submit">Show</button>
</form>"""


def _options(choices: list[tuple[str, str]], selected: str | None) -> str:
    return "".join(
        f'<option value="{text(value)}"{" selected" if value == (selected or "") else ""}>'
        f"{text(label)}</option>"
        for value, label in choices
    )


def _counts(executions: list[dict[str, Any]]) -> str:
    """How many executions are shown, by status."""
    if not executions:
        return ""
    by_status = Counter(str(execution["status"]) for execution in executions)
    counts = ", ".join(
        f"{count} {text(status.replace('_', ' ').lower())}"
        for status, count in sorted(by_status.items())
    )
    return f'<p class="counts">{len(executions)} shown: {counts}</p>'


def _executions_table(executions: list[dict[str, Any]]) -> str:
    if not executions:
        return '<section><p class="hint">No executions match these filters.</p></section>'
    rows = "\n".join(
        f"""<tr data-execution="{text(execution["name"])}">
<td class="name"><a href="{url(EXECUTION_PATH, arn=execution["executionArn"])}">"""
        f"""{text(execution["name"])}</a></td>
<td>{text(_workflow(execution))}</td>
<td>{badge(execution["status"])}</td>
<td>{when(execution.get("startDate"))}</td>
<td>{when(execution.get("stopDate"))}</td>
<td>{text(execution.get("redriveCount", 0))}</td>
</tr>"""
        for execution in executions
    )
    return f"""<table class="executions">
<thead><tr><th>Execution</th><th>Workflow</th><th>Status</th><th>Started</th><th>Stopped</th>
<th>Redrives</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>"""


def _paging(query: ExecutionQuery, listed: ExecutionPage) -> str:
    if listed.next_token is not None:
        link = url(
            EXECUTIONS_PATH, workflow=query.workflow, status=query.status, page=listed.next_token
        )
        return f'<p><a href="{link}">Older executions &rarr;</a></p>'
    if listed.more:
        return '<p class="hint">Showing the newest executions: pick a workflow to page on.</p>'
    return ""


def _workflow(execution: dict[str, Any]) -> str:
    return str(execution["stateMachineArn"]).rsplit(":", 1)[-1]
