"""RedriveExecution: the failed step runs again, the steps that succeeded do not."""

from __future__ import annotations

from ..case import Case, Expected, function_arn
from ..lambdas import computes, echo, fails_until_fixed
from ..matchers import LambdaErrorCause, Undocumented

_REDRIVE = "https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html"
_REDRIVE_MAP = "https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html"
_NO_REDRIVE = "moto 5.2 does not implement RedriveExecution (NotImplementedError)"

CASES = (
    Case(
        name="redrive_reruns_only_the_failed_step",
        doc=_REDRIVE,
        definition={
            "StartAt": "Customer",
            "States": {
                "Customer": {"Type": "Task", "Resource": function_arn("customer"), "Next": "Order"},
                "Order": {"Type": "Task", "Resource": function_arn("order"), "Next": "Record"},
                "Record": {"Type": "Task", "Resource": function_arn("record"), "End": True},
            },
        },
        input={"id": "o-1"},
        lambdas={
            "customer": computes(lambda event: {**event, "customer": "c-1"}),
            "order": fails_until_fixed(
                "ProviderUnavailable", "ERP down", computes(lambda e: {**e, "erp": "so-1"})
            ),
            "record": echo(),
        },
        redrive=Expected(
            status="FAILED",
            error="ProviderUnavailable",
            cause=LambdaErrorCause("ProviderUnavailable", "ERP down"),
            calls={"customer": 1, "order": 1, "record": 0},
        ),
        expected=Expected(
            output={"id": "o-1", "customer": "c-1", "erp": "so-1"},
            calls={"customer": 1, "order": 2, "record": 1},
        ),
        moto_unsupported=_NO_REDRIVE,
    ),
    Case(
        name="redrive_map_reruns_only_failed_iterations",
        doc=_REDRIVE_MAP,
        definition={
            "StartAt": "Each",
            "States": {
                "Each": {
                    "Type": "Map",
                    "ItemsPath": "$.skus",
                    "MaxConcurrency": 1,
                    "ItemProcessor": {
                        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                        "StartAt": "Ok",
                        "States": {
                            "Ok": {
                                "Type": "Task",
                                "Resource": function_arn("fine"),
                                "Next": "Push",
                            },
                            "Push": {
                                "Type": "Task",
                                "Resource": function_arn("push"),
                                "End": True,
                            },
                        },
                    },
                    "End": True,
                }
            },
        },
        input={"skus": ["a", "b"]},
        lambdas={
            "fine": echo(),
            "push": fails_until_fixed(
                "ProviderUnavailable", "storefront down", echo(), when=lambda sku: sku == "b"
            ),
        },
        redrive=Expected(
            status="FAILED",
            error="States.ExceedToleratedFailureThreshold",
            cause=Undocumented(),
            calls={"fine": 2, "push": 2},
        ),
        expected=Expected(output=["a", "b"], calls={"fine": 2, "push": 3}),
        moto_unsupported=_NO_REDRIVE,
    ),
)
