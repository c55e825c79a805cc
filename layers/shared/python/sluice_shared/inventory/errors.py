"""Why an inventory step stopped; class names are the errors the state machine matches."""


class SnapshotInvalid(Exception):
    """The file is no inventory snapshot (header, encoding, no rows): fix it and drop it again."""


class SnapshotSuperseded(Exception):
    """The object at the snapshot's key was replaced after the run started (new ETag, new run)."""


class StepInputInvalid(Exception):
    """A step's payload does not fit its model (e.g. a Map batch of rows that are not levels)."""


class LevelsTableBusy(Exception):
    """DynamoDB left keys unprocessed after every retry: the state's Retry tries again later."""
