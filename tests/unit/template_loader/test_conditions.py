"""Conditions decide which resources exist and which branch of Fn::If applies."""

from __future__ import annotations

import pytest

from sluice.template import TemplateError

TEMPLATE = """
Parameters:
  Stage:
    Type: String
    Default: dev
  Tier:
    Type: String
    Default: small
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
  IsSmallDev: !And [!Condition IsDev, !Equals [!Ref Tier, small]]
  IsProdOrLarge: !Or [!Condition IsProd, !Equals [!Ref Tier, large]]
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: jobs
      DelaySeconds: !If [IsSmallDev, 5, !Ref AWS::NoValue]
  ProdOnlyQueue:
    Type: AWS::SQS::Queue
    Condition: IsProd
    Properties:
      QueueName: prod-only
Outputs:
  Size:
    Value: !If [IsProdOrLarge, large, small]
  ProdQueue:
    Condition: IsProd
    Value: !Ref ProdOnlyQueue
"""


def test_resource_with_a_false_condition_is_skipped(load_yaml):
    model = load_yaml(TEMPLATE)
    assert set(model.queues) == {"Jobs"}
    assert "ProdQueue" not in model.outputs


def test_resource_with_a_true_condition_exists(load_yaml):
    model = load_yaml(TEMPLATE, parameter_overrides={"Stage": "prod"})
    assert set(model.queues) == {"Jobs", "ProdOnlyQueue"}
    assert model.outputs["ProdQueue"].endswith("/prod-only")


def test_if_picks_a_branch_and_no_value_removes_the_property(load_yaml):
    dev = load_yaml(TEMPLATE).queues["Jobs"]
    prod = load_yaml(TEMPLATE, parameter_overrides={"Stage": "prod"}).queues["Jobs"]
    assert dev.attributes["DelaySeconds"] == "5"
    assert "DelaySeconds" not in prod.attributes


@pytest.mark.parametrize(
    ("overrides", "size"),
    [({}, "small"), ({"Tier": "large"}, "large"), ({"Stage": "prod"}, "large")],
)
def test_or_and_not_combine_conditions(load_yaml, overrides, size):
    assert load_yaml(TEMPLATE, parameter_overrides=overrides).outputs["Size"] == size


def test_ref_to_a_resource_left_out_by_its_condition_is_an_error(load_yaml):
    template = TEMPLATE + "  Broken:\n    Value: !GetAtt ProdOnlyQueue.Arn\n"
    with pytest.raises(TemplateError, match="'ProdOnlyQueue', which its Condition 'IsProd'"):
        load_yaml(template)


def test_undeclared_condition_is_an_error(load_yaml):
    template = """
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Condition: Missing
"""
    with pytest.raises(TemplateError, match=r"Condition 'Missing'.*not declared"):
        load_yaml(template)
