"""Reads and writes environment variables while another function does the same."""

import os

import lambda_probe


def handler(event, context):
    """Report what this function sees, meeting the other function at a barrier in between."""
    meeting = lambda_probe.barrier(event["barrier"], event["parties"])
    meeting.wait()
    os.environ["WRITTEN_BY"] = context.function_name
    meeting.wait()
    return {
        "color": os.environ["COLOR"],
        "getenv": os.getenv("COLOR"),
        "writtenBy": os.environ.get("WRITTEN_BY"),
        "functionName": os.environ["AWS_LAMBDA_FUNCTION_NAME"],
        "memory": os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"],
        "version": os.environ["AWS_LAMBDA_FUNCTION_VERSION"],
        "region": os.environ["AWS_REGION"],
        "handler": os.environ["_HANDLER"],
        "logGroup": os.environ["AWS_LAMBDA_LOG_GROUP_NAME"],
        "processVariable": os.environ.get("SLUICE_TEST_PROCESS_VARIABLE"),
    }
