"""Globals merge into functions as SAM merges them."""

from __future__ import annotations

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.13
    Handler: app.handler
    Timeout: 30
    Architectures: [arm64]
    Layers: [!Ref CommonLayer]
    Environment:
      Variables:
        SHARED: global
        OVERRIDDEN: global
Resources:
  CommonLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/common/
  ExtraLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/extra/
  PlainFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/plain/
  CustomFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/custom/
      Handler: pkg.entry.main
      Timeout: 5
      Architectures: [x86_64]
      Layers: [!Ref ExtraLayer, arn:aws:lambda:us-east-1:999999999999:layer:external:3]
      Environment:
        Variables:
          OVERRIDDEN: local
          OWN: local
"""


def test_function_without_settings_inherits_globals(load_yaml):
    function = load_yaml(TEMPLATE).functions["PlainFunction"]
    assert function.runtime == "python3.13"
    assert function.timeout == 30
    assert function.memory_size == 128
    assert function.environment == {"SHARED": "global", "OVERRIDDEN": "global"}
    assert [layer.logical_id for layer in function.layers] == ["CommonLayer"]


def test_environment_variables_merge_with_the_function_winning(load_yaml):
    function = load_yaml(TEMPLATE).functions["CustomFunction"]
    assert function.environment == {"SHARED": "global", "OVERRIDDEN": "local", "OWN": "local"}


def test_layers_are_global_first_then_the_functions_own(load_yaml):
    function = load_yaml(TEMPLATE).functions["CustomFunction"]
    assert [layer.logical_id for layer in function.layers] == ["CommonLayer", "ExtraLayer"]
    assert function.external_layer_arns == (
        "arn:aws:lambda:us-east-1:999999999999:layer:external:3",
    )


def test_scalars_and_architectures_are_replaced_by_the_function(load_yaml):
    function = load_yaml(TEMPLATE).functions["CustomFunction"]
    assert function.timeout == 5
    assert function.architectures == ("x86_64",)
    assert (function.handler_module, function.handler_function) == ("pkg.entry", "main")


def test_layer_without_a_name_is_named_by_its_logical_id(load_yaml, tmp_path):
    layer = load_yaml(TEMPLATE).layers["CommonLayer"]
    assert layer.name == "CommonLayer"
    assert layer.python_path == tmp_path / "layers/common/python"
