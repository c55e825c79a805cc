"""Sessions made after the shared loader is installed share one botocore loader."""

import boto3

from sluice.cloud.shared_botocore_loader import install_shared_loader


def test_given_the_shared_loader_when_making_sessions_then_they_share_one_loader():
    install_shared_loader()
    first, second = boto3.session.Session(), boto3.session.Session()
    loader = first._session.get_component("data_loader")
    assert loader is second._session.get_component("data_loader")
    model = loader.load_service_model("sqs", "service-2")
    client = second.client("sqs", region_name="us-east-1")
    assert client.meta.service_model.service_name == "sqs"
    assert loader.load_service_model("sqs", "service-2") is model
