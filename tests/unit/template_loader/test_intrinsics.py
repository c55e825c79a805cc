"""Intrinsic functions resolve as CloudFormation documents them."""

from __future__ import annotations

import base64

import pytest

from sluice.template import TemplateError, UnsupportedTemplateFeature

HEADER = """
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: dev
  Names:
    Type: CommaDelimitedList
    Default: alpha,beta,gamma
Mappings:
  Sizes:
    dev:
      Memory: 256
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub app-${Stage}-jobs
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
"""


def outputs(load_yaml, values: str) -> dict:
    """Load HEADER with the given Outputs section body and return the resolved outputs."""
    return load_yaml(HEADER + "Outputs:\n" + values).outputs


def test_ref_to_parameter_pseudo_parameters_and_queue(load_yaml):
    result = outputs(
        load_yaml,
        """
  Stage: {Value: !Ref Stage}
  Region: {Value: !Ref AWS::Region}
  Account: {Value: !Ref AWS::AccountId}
  Partition: {Value: !Ref AWS::Partition}
  Suffix: {Value: !Ref AWS::URLSuffix}
  Stack: {Value: !Ref AWS::StackName}
  Queue: {Value: !Ref Jobs}
""",
    )
    assert result == {
        "Stage": "dev",
        "Region": "us-east-1",
        "Account": "123456789012",
        "Partition": "aws",
        "Suffix": "amazonaws.com",
        "Stack": "test",
        "Queue": "https://sqs.us-east-1.amazonaws.com/123456789012/app-dev-jobs",
    }


def test_get_att_in_both_forms(load_yaml):
    result = outputs(
        load_yaml,
        """
  Arn: {Value: !GetAtt Jobs.Arn}
  Name: {Value: !GetAtt [Jobs, QueueName]}
  TableArn: {Value: {"Fn::GetAtt": [Orders, Arn]}}
""",
    )
    assert result["Arn"] == "arn:aws:sqs:us-east-1:123456789012:app-dev-jobs"
    assert result["Name"] == "app-dev-jobs"
    assert result["TableArn"].startswith(
        "arn:aws:dynamodb:us-east-1:123456789012:table/test-Orders-"
    )


def test_unnamed_resource_gets_a_stable_cloudformation_style_name(load_yaml):
    first = load_yaml(HEADER).tables["Orders"].name
    second = load_yaml(HEADER).tables["Orders"].name
    prefix, _, suffix = first.rpartition("-")
    assert first == second
    assert prefix == "test-Orders"
    assert len(suffix) == 12 and suffix.isalnum() and suffix.isupper()


def test_sub_with_variables_attributes_and_escapes(load_yaml):
    result = outputs(
        load_yaml,
        """
  Plain: {Value: !Sub "${AWS::Region}/${Stage}/${Jobs.QueueName}/${!Literal}"}
  WithVariables:
    Value: !Sub
      - "${Greeting}, ${Stage}: ${Queue}"
      - Greeting: hello
        Queue: !GetAtt Jobs.Arn
""",
    )
    assert result["Plain"] == "us-east-1/dev/app-dev-jobs/${Literal}"
    assert result["WithVariables"] == (
        "hello, dev: arn:aws:sqs:us-east-1:123456789012:app-dev-jobs"
    )


def test_join_select_and_split(load_yaml):
    result = outputs(
        load_yaml,
        """
  Joined: {Value: !Join ["-", [a, !Ref Stage, !Select [1, !Ref Names]]]}
  Split: {Value: !Select [2, !Split [",", "x,y,z"]]}
""",
    )
    assert result == {"Joined": "a-dev-beta", "Split": "z"}


def test_find_in_map_and_base64(load_yaml):
    result = outputs(
        load_yaml,
        """
  Memory: {Value: !FindInMap [Sizes, !Ref Stage, Memory]}
  Encoded: {Value: !Base64 "hi ${Stage}"}
""",
    )
    assert result["Memory"] == 256
    assert base64.b64decode(result["Encoded"]) == b"hi ${Stage}"


def test_find_in_map_with_a_missing_key_names_the_path(load_yaml):
    with pytest.raises(TemplateError, match=r"Outputs\.Memory\.Value.*Sizes\.dev\.Disk"):
        outputs(load_yaml, "  Memory: {Value: !FindInMap [Sizes, dev, Disk]}\n")


def test_select_out_of_range_is_an_error(load_yaml):
    with pytest.raises(TemplateError, match="index 5"):
        outputs(load_yaml, "  Name: {Value: !Select [5, !Ref Names]}\n")


def test_unsupported_intrinsic_names_the_function_and_where(load_yaml):
    with pytest.raises(UnsupportedTemplateFeature, match=r"Fn::ImportValue at Outputs\.Shared"):
        outputs(load_yaml, "  Shared: {Value: !ImportValue other-stack-export}\n")


def test_ref_to_an_unknown_name_is_an_error(load_yaml):
    with pytest.raises(TemplateError, match="'Nowhere'"):
        outputs(load_yaml, "  Bad: {Value: !Ref Nowhere}\n")


def test_unknown_attribute_names_the_resource_and_type(load_yaml):
    with pytest.raises(UnsupportedTemplateFeature, match=r"Jobs\.Color.*AWS::SQS::Queue"):
        outputs(load_yaml, "  Bad: {Value: !GetAtt Jobs.Color}\n")


def test_circular_names_are_reported(load_yaml):
    template = """
Resources:
  A:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "${B.QueueName}-a"
  B:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "${A.QueueName}-b"
"""
    with pytest.raises(TemplateError, match="Circular reference"):
        load_yaml(template)


def test_dynamic_references_are_unsupported(load_yaml):
    template = """
Resources:
  Setting:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: "{{resolve:ssm:/other/parameter}}"
"""
    with pytest.raises(UnsupportedTemplateFeature, match=r"Resources\.Setting\.Properties\.Value"):
        load_yaml(template)
