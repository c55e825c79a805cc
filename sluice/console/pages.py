"""The console's pages: the executions list and one execution's detail, as HTML text."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sluice.console.api import STATUSES, ExecutionDetail, ExecutionPage, ExecutionQuery, Workflow
from sluice.console.causes import ReadableCause, readable_cause
from sluice.console.inputs import pretty
from sluice.console.layout import Flash, badge, duration, flash_box, page, text, url, when
from sluice.console.names import rerun_base
from sluice.console.steps import Failure, Outcome, Step

EXECUTION_PATH = "/execution"
REDRIVE_PATH = "/redrive"
RERUN_PATH = "/rerun"
# A running execution's page reloads itself, so its steps and status stay current.
RUNNING_REFRESH_SECONDS = 2


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
    return f"""<form class="filters" method="get" action="/">
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
        link = url("/", workflow=query.workflow, status=query.status, page=listed.next_token)
        return f'<p><a href="{link}">Older executions &rarr;</a></p>'
    if listed.more:
        return '<p class="hint">Showing the newest executions: pick a workflow to page on.</p>'
    return ""


def _workflow(execution: dict[str, Any]) -> str:
    return str(execution["stateMachineArn"]).rsplit(":", 1)[-1]


def execution_page(
    detail: ExecutionDetail,
    *,
    flash: Flash | None = None,
    rerun_text: str | None = None,
    rerun_error: str | None = None,
) -> str:
    """One execution: status, the failure with its cause, actions, steps, input and output.

    `rerun_text` and `rerun_error` refill the re-run form after the input was refused.
    """
    description = detail.description
    status = str(description["status"])
    parts = [
        f"<h1>{text(description['name'])} {badge(status)}</h1>",
        flash_box(flash),
        _summary(detail),
        _failure(detail),
        _redrive(detail),
        _steps(detail),
        _rerun(detail, rerun_text, rerun_error),
        _data("Input", description.get("input")) if status == "RUNNING" else "",
        _data("Output", description.get("output")),
    ]
    refresh = RUNNING_REFRESH_SECONDS if status == "RUNNING" and rerun_error is None else None
    return page(str(description["name"]), "\n".join(p for p in parts if p), refresh_seconds=refresh)


def _summary(detail: ExecutionDetail) -> str:
    description = detail.description
    workflow_link = url("/", workflow=detail.workflow)
    return f"""<section><dl class="meta">
<dt>Workflow</dt><dd><a href="{workflow_link}">{text(detail.workflow)}</a></dd>
<dt>Started</dt><dd>{when(description.get("startDate"))}</dd>
<dt>Stopped</dt><dd>{when(description.get("stopDate"))}</dd>
<dt>Duration</dt><dd>{duration(description.get("startDate"), description.get("stopDate"))}</dd>
<dt>Redrives</dt><dd>{text(description.get("redriveCount", 0))}</dd>
<dt>ARN</dt><dd>{text(description["executionArn"])}</dd>
</dl></section>"""


def _failure(detail: ExecutionDetail) -> str:
    description = detail.description
    if description["status"] not in ("FAILED", "TIMED_OUT", "ABORTED"):
        return ""
    failed = detail.timeline.failed_step()
    caught = _caught_before(detail, failed)
    where = failed.name if failed is not None else None
    if caught is not None and failed is not None:
        where = f"{caught.name} (caught, then {failed.name})"
    heading = f"Failed at {text(where)}" if where else text(description["status"])
    error = description.get("error")
    cause = _readable(failed, description.get("cause"))
    said = ""
    if caught is not None and caught.failures[-1].cause.message != cause.message:
        said = (
            f'<p class="cause">{text(caught.name)} said: '
            f"{text(caught.failures[-1].cause.message)}</p>"
        )
    return f"""<section class="failure" id="failure">
<h2>{heading}</h2>
{f'<p class="error-name">{text(error)}</p>' if error else ""}
{_cause(cause)}
{said}
<p class="hint">A provider was down, slow or throttling? Redrive: the execution resumes at the
failed step and the steps that succeeded do not run again. Wrong data? Edit the input below and
re-run it.</p>
</section>"""


def _caught_before(detail: ExecutionDetail, failed: Step | None) -> Step | None:
    """The step whose caught error led to the Fail state the execution ended in."""
    if failed is None or failed.state_type != "Fail":
        return None
    caught = [
        step
        for step in detail.timeline.steps
        if step.run == failed.run and step.outcome is Outcome.CAUGHT and step.failures
    ]
    return caught[-1] if caught else None


def _readable(failed: Step | None, cause: str | None) -> ReadableCause:
    """The cause of the execution's failure, from its step when the step recorded one."""
    if failed is not None and failed.failures and failed.failures[-1].cause.raw == (cause or ""):
        return failed.failures[-1].cause
    return readable_cause(cause)


def _cause(cause: ReadableCause) -> str:
    if not cause.message and not cause.trace:
        return ""
    trace = ""
    if cause.trace:
        trace = (
            "<details><summary>Stack trace</summary>"
            f"<pre>{text(chr(10).join(cause.trace))}</pre></details>"
        )
    return f'<p class="cause">{text(cause.message)}</p>{trace}'


def _redrive(detail: ExecutionDetail) -> str:
    description = detail.description
    if description["status"] == "RUNNING" or description["status"] == "SUCCEEDED":
        return ""
    arn = text(description["executionArn"])
    if description.get("redriveStatus") != "REDRIVABLE":
        reason = description.get("redriveStatusReason") or "Step Functions will not redrive it."
        return f'<section class="actions"><p class="hint">Redrive: {text(reason)}</p></section>'
    failed = detail.timeline.failed_step()
    resumes = f" at {text(failed.name)}" if failed is not None else ""
    hint = f"Resumes the execution{resumes}; steps that succeeded keep their results."
    if failed is not None and failed.state_type == "Fail":
        hint = (
            f"Redrive resumes at {text(failed.name)}, a Fail state, so it would fail again:"
            " fix the data and re-run instead."
        )
    return f"""<section class="actions" id="redrive">
<form method="post" action="{REDRIVE_PATH}">
<input type="hidden" name="arn" value="{arn}">
<button type="submit">Redrive</button>
</form>
<p class="hint">{hint}</p>
</section>"""


def _steps(detail: ExecutionDetail) -> str:
    rows: list[str] = []
    run = 0
    for number, step in enumerate(detail.timeline.steps, start=1):
        if step.run != run:
            run = step.run
            started = when(detail.timeline.redrives.get(run))
            rows.append(f'<tr class="redrive"><td colspan="6">Redrive {run} at {started}</td></tr>')
        rows.append(_step_row(number, step))
    if not rows:
        return ""
    body = "\n".join(rows)
    return f"""<section id="steps"><h2>Steps</h2>
<table class="steps">
<thead><tr><th>#</th><th>Step</th><th>Started</th><th>Duration</th><th>Result</th>
<th>Detail</th></tr></thead>
<tbody>
{body}
</tbody>
</table></section>"""


def _step_row(number: int, step: Step) -> str:
    css = {Outcome.FAILED: "step-failed", Outcome.CAUGHT: "step-caught"}.get(step.outcome, "")
    return f"""<tr class="step {css}" data-step="{text(step.name)}" data-outcome="{step.outcome}">
<td>{number}</td>
<td><strong>{text(step.name)}</strong><br><span class="hint">{text(step.state_type)}</span></td>
<td>{when(step.entered)}</td>
<td>{duration(step.entered, step.exited)}</td>
<td>{badge(step.outcome.value)}</td>
<td>{_step_detail(step)}</td>
</tr>"""


def _step_detail(step: Step) -> str:
    parts = []
    if step.attempts > 1:
        parts.append(f'<span class="hint">{step.attempts} attempts</span>')
    if step.failures:
        parts.append(_failures(step.failures))
    if step.input is not None:
        parts.append(f"<details><summary>input</summary><pre>{text(pretty(step.input))}</pre>")
        parts.append("</details>")
    if step.output is not None:
        parts.append(f"<details><summary>output</summary><pre>{text(pretty(step.output))}</pre>")
        parts.append("</details>")
    return "".join(parts)


def _failures(failures: list[Failure]) -> str:
    """Each distinct error and message once, with how many attempts ended with it."""
    counted = Counter((failure.error, failure.cause.message) for failure in failures)
    items = "".join(
        f'<li><span class="error-name">{text(error)}</span>'
        f"{f' &times;{count}' if count > 1 else ''}"
        f"{f': {text(message)}' if message else ''}</li>"
        for (error, message), count in counted.items()
    )
    return f'<ul class="failures">{items}</ul>'


def _rerun(detail: ExecutionDetail, rerun_text: str | None, rerun_error: str | None) -> str:
    description = detail.description
    if description["status"] == "RUNNING":
        return ""
    edited = rerun_text if rerun_text is not None else pretty(description.get("input"))
    error = f'<p class="form-error" role="alert">{text(rerun_error)}</p>' if rerun_error else ""
    base = rerun_base(str(description["name"]))
    return f"""<section id="rerun"><h2>Edit the input and re-run</h2>
<p class="hint">Starts a new execution of {text(detail.workflow)} named
<code>{text(base)}-rerun-N</code> (the next free N) with this input. Keep the business key:
the providers recognise what the first run already did by it.</p>
{error}
<form method="post" action="{RERUN_PATH}">
<input type="hidden" name="arn" value="{text(description["executionArn"])}">
<textarea name="input" rows="{_rows(edited)}" spellcheck="false"
 aria-label="Execution input (JSON)">{text(edited)}</textarea>
<p><button type="submit">Start re-run</button></p>
</form></section>"""


def _rows(edited: str) -> int:
    """Rows for the input box: the text's lines plus one, within reason."""
    return min(max(edited.count("\n") + 2, 6), 30)


def _data(title: str, value: str | None) -> str:
    if value is None:
        return ""
    return f"<section><h2>{text(title)}</h2><pre>{text(pretty(value))}</pre></section>"


def error_page(message: str, flash: Flash | None = None) -> str:
    """A page that says what went wrong, with a way back."""
    return page(
        "Error",
        f'<h1>Something went wrong</h1>{flash_box(flash)}<div class="flash error" role="alert">'
        f'{text(message)}</div><p><a href="/">Back to the executions</a></p>',
    )
