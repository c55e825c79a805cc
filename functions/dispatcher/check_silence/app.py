"""Lambda handler: the scheduled dead man's switch over the governor's success records."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from sluice_shared.governor.watchdog import check_silence
from sluice_shared.observability import instrument


@instrument()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Schedule event -> `{"silent": [{"integration", "silentSeconds", "lastSuccessAt"}]}`."""
    return {"silent": [silence.to_json() for silence in check_silence()]}
