"""Slack messages (Block Kit, with a plain `text` fallback) for alerts and digests.

Messages speak to operations staff: which workflow, which order/shipment/file, which step,
what went wrong in plain words, and what to do, with a link to the execution.
https://api.slack.com/reference/block-kit/blocks
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from sluice_shared.notifications.alerts import Alert, AlertKind
from sluice_shared.notifications.causes import readable_cause
from sluice_shared.notifications.lookups import PastFailure
from sluice_shared.ops.guidance import advice_for

Message = dict[str, Any]
# Business keys listed in a digest; the rest are counted.
DIGEST_EXAMPLES = 10
HEADER_MAX_CHARS = 150
_SUBJECTS = {"orders": "Order", "billing": "Shipment", "inventory": "Inventory file"}
_ALARM_ADVICE = {
    "ApproximateNumberOfMessagesVisible": (
        "Requests failed after all their retries and wait in the dead-letter queue. Once the "
        "provider works again, move them back with `sluice dlq-redrive --queue <queue>` "
        "(docs/runbook.md)."
    ),
    "ApproximateAgeOfOldestMessage": (
        "Requests are waiting longer than usual: the provider is slow or refusing them. "
        "They are kept and retried; tell an engineer if this lasts."
    ),
    "ExecutionsFailed": "Executions failed: each has its own alert here, with what to do.",
    "SilentIntegrations": (
        "An integration has had no successful call for hours (or the check stopped). "
        "Check the provider's status page, then tell an engineer."
    ),
}
_DEFAULT_ALARM_ADVICE = "Tell an engineer, with the link below."


def execution_console_url(region: str, execution_arn: str) -> str:
    """The Step Functions console page of one execution."""
    return (
        f"https://{region}.console.aws.amazon.com/states/home?region={region}"
        f"#/v2/executions/details/{execution_arn}"
    )


def alarm_console_url(region: str, alarm_name: str) -> str:
    """The CloudWatch console page of one alarm."""
    return (
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
        f"#alarmsV2:alarm/{quote(alarm_name, safe='')}"
    )


def failure_message(alert: Alert, failed_state: str) -> Message:
    """One failed, timed-out or stopped execution."""
    subject = _SUBJECTS.get(alert.workflow, "Item")
    verb = {"TIMED_OUT": "timed out", "ABORTED": "was stopped"}.get(alert.status, "failed")
    title = f"{subject} {_name(alert)} {verb} at {failed_state}"
    cause = readable_cause(alert.cause)
    redriven = _times(alert.redrive_count)
    named = [(subject, f"`{alert.subject}`")]
    if alert.snapshot_file:
        named = [(subject, f"`{alert.snapshot_file}`"), ("Run", f"`{alert.subject}`")]
    fields = [
        ("Workflow", alert.workflow),
        *named,
        ("Failed step", failed_state),
        ("Error", f"`{alert.error}`"),
        ("Redriven", redriven),
        ("Execution", f"`{alert.execution_name}`"),
    ]
    blocks = [
        _header(f":rotating_light: {title}"),
        {"type": "section", "fields": [_field(name, value) for name, value in fields]},
        _section(f"*What went wrong*\n{escape(cause)}"),
        _section(f"*What to do*\n{escape(advice_for(alert.error, alert.subject))}"),
        _link_button("Open the execution", execution_console_url(alert.region, _arn(alert))),
        _context(f"{alert.status} {_when(alert.occurred_at)} · alert {alert.alert_key}"),
    ]
    text = f"{title}: {alert.error}: {cause} (redriven {redriven})"
    return {"text": text, "blocks": blocks}


def resolution_message(alert: Alert, resolved: PastFailure | None) -> Message:
    """A redriven or re-run execution that succeeded: the short follow-up to its failure."""
    subject = _SUBJECTS.get(alert.workflow, "Item")
    how = (
        f"re-run {alert.rerun} (`{alert.execution_name}`)"
        if alert.rerun is not None
        else f"redrive {alert.redrive_count}"
    )
    title = f"Resolved: {subject.lower()} {_name(alert)} succeeded after {how}"
    if resolved is not None:
        was = (
            f"Earlier failure: `{resolved.error}` at {resolved.failed_state} "
            f"({_when(resolved.recorded_at)})."
        )
    else:
        was = "No earlier failure was recorded for it."
    blocks = [
        _section(f":white_check_mark: *{escape(title)}*\n{escape(was)}"),
        _link_button("Open the execution", execution_console_url(alert.region, _arn(alert))),
    ]
    return {"text": f"{title}. {was}", "blocks": blocks}


def alarm_message(alert: Alert) -> Message:
    """A CloudWatch alarm that went into ALARM, or back to OK."""
    firing = alert.kind is AlertKind.ALARM
    icon = ":warning:" if firing else ":white_check_mark:"
    title = f"Alarm {alert.subject} is {alert.status}"
    advice = _ALARM_ADVICE.get(alert.metric_name, _DEFAULT_ALARM_ADVICE)
    blocks: list[dict[str, Any]] = [_header(f"{icon} {title}")]
    if alert.alarm_description:
        blocks.append(_section(escape(alert.alarm_description)))
    blocks.append(_section(f"*Why*\n{escape(readable_cause(alert.cause))}"))
    if firing:
        blocks.append(_section(f"*What to do*\n{escape(advice)}"))
    if alert.region:
        url = alarm_console_url(alert.region, alert.subject)
        blocks.append(_link_button("Open the alarm", url))
    return {"text": f"{title}: {readable_cause(alert.cause)}", "blocks": blocks}


def digest_message(alerts: Sequence[Alert]) -> Message:
    """Many alerts at once: counts by workflow and error, a few keys, one message."""
    counts = Counter((alert.workflow, _digest_label(alert)) for alert in alerts)
    lines = [
        f"• {workflow} · `{label}`: {count}"
        for (workflow, label), count in sorted(counts.items(), key=lambda item: -item[1])
    ]
    failures = [alert for alert in alerts if alert.kind is AlertKind.FAILURE]
    examples = ", ".join(f"`{alert.subject}`" for alert in failures[:DIGEST_EXAMPLES])
    more = len(failures) - DIGEST_EXAMPLES
    title = f"{len(alerts)} alerts at once ({len(failures)} failed executions)"
    blocks = [
        _header(f":rotating_light: {title}"),
        _section("*By workflow and error*\n" + "\n".join(lines)),
    ]
    if examples:
        suffix = f" and {more} more" if more > 0 else ""
        blocks.append(_section(f"*Failed*\n{examples}{suffix}"))
        blocks.append(
            _section(
                "*What to do*\nWait until the cause is fixed, then: transient errors "
                "(`ProviderUnavailable`, `ProviderThrottled`, timeouts) are redriven all at once "
                "with `sluice redrive --workflow <workflow> --error <error> --since <time>`; data "
                "errors (`OrderInvalid`, `ProviderRejected`) are fixed and re-run one by one. "
                "See docs/runbook.md."
            )
        )
    summary = "; ".join(f"{w} {label} {n}" for (w, label), n in counts.most_common())
    return {"text": f"{title}: {summary}", "blocks": blocks}


def may_repeat(message: Message) -> Message:
    """`message` with a note that an earlier attempt to post it may have reached the channel
    (an incoming webhook cannot be asked: its post is not recorded when the notifier ends
    between the post and the record)."""
    note = (
        "Posted again: an earlier attempt was interrupted and may have reached this channel. "
        "If this alert is already here, ignore this copy."
    )
    blocks = [*message.get("blocks", []), _context(note)]
    return {**message, "text": f"{message['text']} ({note})", "blocks": blocks}


def escape(text: str) -> str:
    """Text with the three characters Slack's mrkdwn reserves escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _digest_label(alert: Alert) -> str:
    if alert.kind is AlertKind.RESOLUTION:
        return "resolved"
    if alert.kind is AlertKind.ALARM_OK:
        return f"{alert.error} OK"
    return alert.error


def _name(alert: Alert) -> str:
    """What staff know the alert's item by: the snapshot's object key, else its business key."""
    if alert.snapshot_file:
        return alert.snapshot_file.split("/", 3)[-1]
    return alert.subject


def _arn(alert: Alert) -> str:
    return alert.execution_arn or ""


def _times(count: int) -> str:
    return "never" if count == 0 else ("once" if count == 1 else f"{count} times")


def _when(moment: int | str | None) -> str:
    """A status-change date (epoch millis) or ISO time, as UTC text."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, int):
        return datetime.fromtimestamp(moment / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return str(moment)


def _header(text: str) -> dict[str, Any]:
    if len(text) > HEADER_MAX_CHARS:
        text = text[: HEADER_MAX_CHARS - 1] + "…"
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _field(name: str, value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": f"*{name}*\n{value}"}


def _link_button(label: str, url: str) -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [{"type": "button", "text": {"type": "plain_text", "text": label}, "url": url}],
    }


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(text)}]}
