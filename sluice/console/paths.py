"""The console's addresses: its pages and the actions its forms post to."""

EXECUTIONS_PATH = "/"
EXECUTION_PATH = "/execution"
REDRIVE_PATH = "/redrive"
RERUN_PATH = "/rerun"
STYLESHEET_PATH = "/console.css"
