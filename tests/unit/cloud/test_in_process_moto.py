"""boto3 calls to a routed moto server are answered in-process, with the server's answers."""

import contextvars

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer
from moto.sqs import models as sqs_models
from werkzeug import serving

from sluice.cloud.in_process_moto import InProcessMoto

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture
def server_url():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    requests.post(f"{url}/moto-api/reset", timeout=30).raise_for_status()
    yield url
    server.stop()


@pytest.fixture
def routed(server_url):
    routing = InProcessMoto(server_url).install()
    yield server_url
    routing.uninstall()


def _client(service: str, url: str):
    return boto3.session.Session(region_name=REGION, **CREDENTIALS).client(
        service, endpoint_url=url
    )


def test_given_a_routed_url_when_calling_then_no_request_reaches_the_server(routed, monkeypatch):
    served = []
    original = serving.WSGIRequestHandler.handle_one_request

    def counting(handler):
        served.append(handler.client_address)
        return original(handler)

    monkeypatch.setattr(serving.WSGIRequestHandler, "handle_one_request", counting)
    dynamodb = _client("dynamodb", routed)
    dynamodb.create_table(
        TableName="items",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.put_item(TableName="items", Item={"id": {"S": "a"}, "n": {"N": "1"}})
    item = dynamodb.get_item(TableName="items", Key={"id": {"S": "a"}})["Item"]
    assert item == {"id": {"S": "a"}, "n": {"N": "1"}}
    assert served == []


def test_given_a_routed_url_when_moto_refuses_then_the_client_error_is_the_servers(routed):
    dynamodb = _client("dynamodb", routed)
    with pytest.raises(ClientError) as refused:
        dynamodb.get_item(TableName="missing", Key={"id": {"S": "a"}})
    assert refused.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_given_a_routed_url_when_using_sqs_then_queue_urls_and_receipts_work(routed):
    sqs = _client("sqs", routed)
    url = sqs.create_queue(QueueName="work")["QueueUrl"]
    sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(n), "MessageBody": f"m{n}"} for n in range(3)]
    )
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])
    assert sorted(m["Body"] for m in received["Messages"]) == ["m0", "m1", "m2"]
    sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
            for n, m in enumerate(received["Messages"])
        ],
    )
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_given_a_routed_url_when_streaming_s3_objects_then_bodies_round_trip(routed, tmp_path):
    s3 = _client("s3", routed)
    s3.create_bucket(Bucket="files")
    payload = bytes(range(256)) * 4096
    source = tmp_path / "upload.bin"
    source.write_bytes(payload)
    with source.open("rb") as stream:
        s3.put_object(Bucket="files", Key="a/b.bin", Body=stream)
    s3.upload_file(str(source), "files", "big.bin")
    assert s3.get_object(Bucket="files", Key="a/b.bin")["Body"].read() == payload
    assert s3.get_object(Bucket="files", Key="big.bin")["Body"].read() == payload
    assert s3.head_object(Bucket="files", Key="big.bin")["ContentLength"] == len(payload)


def test_given_the_in_process_answers_when_reading_over_http_then_they_are_the_same_state(
    routed,
):
    _client("sqs", routed).create_queue(QueueName="shared")
    over_http = boto3.session.Session(region_name=REGION, **CREDENTIALS).client(
        "sqs", endpoint_url=routed + "/"
    )
    InProcessMoto(routed).uninstall()
    assert over_http.get_queue_url(QueueName="shared")["QueueUrl"].endswith("/shared")


def test_given_an_unrouted_url_when_calling_then_the_request_goes_over_http(server_url):
    sqs = _client("sqs", server_url)
    sqs.create_queue(QueueName="plain")
    assert sqs.get_queue_url(QueueName="plain")["QueueUrl"].endswith("/plain")


def test_given_routing_installed_twice_when_the_default_session_calls_then_moto_runs_it_once(
    server_url, monkeypatch
):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    first = InProcessMoto(server_url).install()
    boto3.setup_default_session(region_name=REGION)  # made after the built-in hook
    second = InProcessMoto(server_url).install()
    try:
        sqs = boto3.client("sqs", endpoint_url=server_url)
        url = sqs.create_queue(QueueName="once")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="one")
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
        assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "1"
    finally:
        second.uninstall()
        first.uninstall()
        boto3.DEFAULT_SESSION = None


def test_given_a_caller_context_when_moto_runs_the_call_then_moto_sees_an_empty_context(
    routed, monkeypatch
):
    caller = contextvars.ContextVar("caller", default="none")
    seen = []
    create_queue = sqs_models.SQSBackend.create_queue

    def recording(backend, *args, **kwargs):
        seen.append(caller.get())
        return create_queue(backend, *args, **kwargs)

    monkeypatch.setattr(sqs_models.SQSBackend, "create_queue", recording)
    caller.set("a handler's invocation")
    _client("sqs", routed).create_queue(QueueName="hooked")
    assert seen == ["none"]
