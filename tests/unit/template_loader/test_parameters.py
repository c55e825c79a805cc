"""Parameter values: defaults < samconfig < caller overrides, checked against constraints."""

from __future__ import annotations

import pytest

from sluice.template import ParameterError, TemplateError, UnknownParameterError, load_template

TEMPLATE = """
Parameters:
  Stage:
    Type: String
    AllowedValues: [dev, prod]
    Default: dev
  Concurrency:
    Type: Number
    Default: 3
    MinValue: 2
    MaxValue: 10
  Code:
    Type: String
    Default: ab12
    AllowedPattern: "[a-z]+[0-9]+"
  Zones:
    Type: List<Number>
    Default: "1,2"
Resources:
  Settings:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Sub "${Stage}:${Concurrency}:${Code}"
"""

SAMCONFIG = """
version = 0.1
[default.deploy.parameters]
stack_name = "from-default"
[qa.deploy.parameters]
stack_name = "app-qa"
region = "eu-west-1"
parameter_overrides = "Stage=prod Concurrency=4"
[listed.deploy.parameters]
parameter_overrides = ["Stage=prod", "ParameterKey=Concurrency,ParameterValue=5"]
"""


@pytest.fixture
def template_path(write_template, tmp_path):
    """The template with a samconfig.toml next to it."""
    (tmp_path / "samconfig.toml").write_text(SAMCONFIG, encoding="utf-8")
    return write_template(TEMPLATE)


def settings(model) -> str:
    return model.ssm_parameters["Settings"].value


def test_defaults_apply_when_nothing_overrides(template_path):
    model = load_template(template_path, config_env=None)
    assert settings(model) == "dev:3:ab12"
    assert model.parameters["Zones"] == ["1", "2"]
    assert model.stack.stack_name == "sluice-local"


def test_samconfig_environment_overrides_defaults_and_sets_stack(template_path):
    model = load_template(template_path, config_env="qa")
    assert settings(model) == "prod:4:ab12"
    assert model.stack.stack_name == "app-qa"
    assert model.stack.region == "eu-west-1"


def test_samconfig_list_form_and_cloudformation_form(template_path):
    model = load_template(template_path, config_env="listed")
    assert settings(model) == "prod:5:ab12"


def test_caller_overrides_beat_samconfig(template_path):
    model = load_template(template_path, config_env="qa", parameter_overrides={"Concurrency": 9})
    assert settings(model) == "prod:9:ab12"


def test_unknown_samconfig_environment_lists_the_known_ones(template_path):
    with pytest.raises(TemplateError, match=r"no environment 'nope'.*listed, qa"):
        load_template(template_path, config_env="nope")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"Stage": "test"},
            r"Parameter 'Stage' value 'test'.*not one of its AllowedValues: dev, prod",
        ),
        ({"Concurrency": "1"}, r"Parameter 'Concurrency' value '1'.*below its MinValue 2"),
        ({"Concurrency": "11"}, r"Parameter 'Concurrency' value '11'.*above its MaxValue 10"),
        ({"Concurrency": "many"}, r"Parameter 'Concurrency' value 'many'.*not a number"),
        ({"Code": "12ab"}, r"Parameter 'Code' value '12ab'.*AllowedPattern"),
        ({"Zones": "1,x"}, r"Parameter 'Zones' value 'x'.*not a number"),
    ],
)
def test_values_breaking_constraints_are_rejected_naming_the_parameter(
    template_path, overrides, message
):
    with pytest.raises(ParameterError, match=message):
        load_template(template_path, config_env=None, parameter_overrides=overrides)


def test_violation_from_samconfig_names_its_source(template_path, tmp_path):
    (tmp_path / "samconfig.toml").write_text(
        '[bad.deploy.parameters]\nparameter_overrides = "Concurrency=0"\n', encoding="utf-8"
    )
    with pytest.raises(ParameterError, match="samconfig environment 'bad'"):
        load_template(template_path, config_env="bad")


def test_unknown_override_is_rejected(template_path):
    with pytest.raises(UnknownParameterError, match=r"Parameter 'Stag' .*not declared"):
        load_template(template_path, config_env=None, parameter_overrides={"Stag": "dev"})


def test_parameter_without_default_needs_a_value(load_yaml):
    template = """
Parameters:
  Token: {Type: String}
Resources:
  Queue: {Type: AWS::SQS::Queue}
"""
    with pytest.raises(ParameterError, match="'Token' has no Default"):
        load_yaml(template)
    assert load_yaml(template, parameter_overrides={"Token": "x"}).parameters["Token"] == "x"
