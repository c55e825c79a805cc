"""Run names (execution names) and the S3 keys of a run's working files.

A run is named by the snapshot's content: bucket, key and ETag. The same file dropped twice
maps to the same execution name, so the second `StartExecution` answers
`ExecutionAlreadyExists` and nothing is sent again; a changed file under the same key gets a
new ETag and a new run. (An ETag is the content MD5 for single-part uploads; a multipart
upload of the same bytes can differ, which only costs a run that finds no deltas.)
"""

import hashlib

from sluice_shared.keys import business_key

RUN_KIND = "inventory"
RUNS_PREFIX = "runs/"
DIGEST_LENGTH = 32


def normalize_etag(etag: str) -> str:
    """The ETag without the quotes S3's listings put around it (notifications send none)."""
    return etag.strip().strip('"')


def run_key(bucket: str, key: str, etag: str) -> str:
    """The business key of a snapshot: `inventory-<digest of bucket, key and ETag>`."""
    identity = f"{bucket}/{key}#{normalize_etag(etag)}"
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]
    return business_key(RUN_KIND, digest)


def accepted_rows_key(run: str) -> str:
    """Where validation writes the snapshot's valid rows (`sku,available`)."""
    return f"{RUNS_PREFIX}{run}/accepted-rows.csv"


def rejected_rows_key(run: str) -> str:
    """Where validation writes the report of rejected rows (`line,sku,reason,raw`)."""
    return f"{RUNS_PREFIX}{run}/rejected-rows.csv"


def changes_key(run: str) -> str:
    """Where the deltas step writes the changed levels the Map reads (`sku,available,previous`)."""
    return f"{RUNS_PREFIX}{run}/changes.csv"
