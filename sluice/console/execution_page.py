"""One execution's page: status, the failure and its cause, redrive, steps, edit and re-run."""

from __future__ import annotations

from collections import Counter

from sluice.console.api import ExecutionDetail
from sluice.console.causes import ReadableCause, readable_cause
from sluice.console.inputs import pretty
from sluice.console.layout import Flash, badge, duration, flash_box, page, text, url, when
from sluice.console.names import rerun_base
from sluice.console.paths import EXECUTIONS_PATH, REDRIVE_PATH, RERUN_PATH
from sluice.console.steps import Failure, Outcome, Step

# A running execution's page reloads itself, so its steps and status stay current.
RUNNING_REFRESH_SECONDS = 2


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
    workflow_link = url(EXECUTIONS_PATH, workflow=detail.workflow)
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
