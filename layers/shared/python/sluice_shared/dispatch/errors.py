"""Why the dispatcher did not finish a request; class names are the errors a workflow sees."""


class RequestInvalid(Exception):
    """The message is not a valid request envelope (or its payload does not fit the operation).

    Permanent: retrying the same message cannot succeed. A waiting workflow gets it through
    `SendTaskFailure`; a message without a task token reaches the DLQ.
    """


class OperationUnknown(RequestInvalid):
    """No operation of that name is registered for the provider."""


class AccountUnknown(RequestInvalid):
    """The envelope names an account that the provider's settings do not list."""


class RecordNotDone(Exception):
    """The record stays on the queue (a batch item failure) and is received again later."""


class MessageDeferred(RecordNotDone):
    """The provider (or the governor) asked us to wait: visibility set to the wait."""


class MessageRetried(RecordNotDone):
    """A transient failure (5xx, timeout, dropped connection): hidden for a backoff that grows
    with the receive count (deferral.py), then received again."""


class TwinInProgress(RecordNotDone):
    """A copy of a request whose twin (same idempotency key) is still being performed.

    Hidden until the twin's invocation must have ended, then received again: it returns the
    twin's saved result, or performs the request itself if the twin failed.
    """


class PoisonMessage(RecordNotDone):
    """A permanent failure with nobody to tell: left to reach the DLQ via maxReceiveCount.

    The message is hidden for the dispatcher's short poison delay, not the queue's
    visibility timeout, so its receives run out (and the DLQ alarm fires) within minutes.
    """
