"""The console's one style sheet, served at /console.css (no external assets, no build)."""

STYLESHEET = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #f5f7fa; --accent: #0b69a3;
  --ok: #1f7a3f; --ok-bg: #e3f9e5; --bad: #b42318; --bad-bg: #fde8e7; --warn: #8a5300;
  --warn-bg: #fff4d6; --run: #0b69a3; --run-bg: #e6f2fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--ink); background: var(--bg); }
header { background: #102a43; color: #fff; padding: 10px 24px; display: flex; gap: 24px;
  align-items: baseline; }
header a { color: #fff; text-decoration: none; }
header .brand { font-weight: 700; font-size: 17px; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 12px; display: flex; gap: 12px; align-items: center;
  word-break: break-all; }
h2 { font-size: 17px; margin: 0 0 10px; }
a { color: var(--accent); }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px;
  padding: 14px 16px; margin: 14px 0; }
table { width: 100%; border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
td.name { word-break: break-all; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
  font-weight: 700; letter-spacing: .02em; white-space: nowrap; }
.badge.SUCCEEDED, .badge.succeeded { color: var(--ok); background: var(--ok-bg); }
.badge.FAILED, .badge.TIMED_OUT, .badge.failed { color: var(--bad); background: var(--bad-bg); }
.badge.ABORTED, .badge.stopped, .badge.caught { color: var(--warn); background: var(--warn-bg); }
.badge.RUNNING, .badge.running { color: var(--run); background: var(--run-bg); }
tr.step-failed td { background: var(--bad-bg); }
tr.step-caught td { background: var(--warn-bg); }
tr.redrive td { background: var(--run-bg); color: var(--run); font-weight: 600; }
.failure { border-color: var(--bad); border-left: 6px solid var(--bad); }
.error-name { font-family: ui-monospace, monospace; font-weight: 700; color: var(--bad); }
.cause { font-size: 16px; margin: 6px 0; }
.flash { padding: 10px 14px; border-radius: 6px; margin: 12px 0; }
.flash.notice { background: var(--ok-bg); color: var(--ok); }
.flash.error { background: var(--bad-bg); color: var(--bad); }
.form-error { color: var(--bad); font-weight: 600; }
.hint { color: var(--muted); font-size: 13px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; word-break: break-all; }
pre { background: var(--bg); border: 1px solid var(--line); padding: 8px; overflow: auto;
  max-height: 360px; font-size: 13px; margin: 6px 0; white-space: pre-wrap;
  word-break: break-word; }
textarea { width: 100%; font: 13px/1.4 ui-monospace, monospace; padding: 8px;
  border: 1px solid var(--line); border-radius: 4px; }
form.filters { display: flex; gap: 16px; align-items: end; flex-wrap: wrap; }
label { display: flex; flex-direction: column; gap: 2px; font-size: 13px; color: var(--muted); }
select, button { font: inherit; padding: 5px 10px; border-radius: 4px;
  border: 1px solid var(--line); background: #fff; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer;
  font-weight: 600; }
.actions { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
.actions form { margin: 0; }
details summary { cursor: pointer; color: var(--accent); font-size: 13px; }
ul.failures { margin: 0; padding-left: 18px; }
"""
