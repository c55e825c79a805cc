"""`LocalCloud`: brings the suite up from `template.yaml` on this machine, and down again.

Start-up order, each step using the previous one's endpoints:
1. moto's server (in this process, on 127.0.0.1) for SQS, DynamoDB, S3, SNS, SSM, Secrets
   Manager and EventBridge, with moto's SQS following the local cloud's clock; boto3 calls
   made in this process reach it on the calling thread (`in_process_moto`), others over HTTP;
2. the provider simulators;
3. the template, with each provider's `<Provider>BaseUrl` parameter pointed at its simulator,
   and its resources provisioned on moto (secrets get the simulators' keys);
4. the Step Functions engine (SQLite store under `state_dir`) and its API server;
5. the Lambda runtime with every function of the template, whose environment points boto3 at
   moto and at the engine; with `alarms`, the CloudWatch alarms (`sluice.alarms`), fed by the
   queues, the engine's status changes and the EMF lines functions print; SQS event source
   mappings; the HTTP APIs.
Handler code sees plain boto3 and plain HTTP, exactly as in AWS.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3
import requests
from aws_lambda_powertools.utilities import parameters
from botocore.config import Config
from moto.server import ThreadedMotoServer

from sluice.alarms import LocalAlarms
from sluice.clock import Clock, RealClock, ScaledClock
from sluice.cloud.function_logs import FunctionLogRouter
from sluice.cloud.handler_clock import install_handler_clock
from sluice.cloud.in_process_moto import InProcessMoto
from sluice.cloud.moto_speedups import install_moto_speedups
from sluice.cloud.settings import CloudSettings
from sluice.cloud.shared_botocore_loader import install_shared_loader
from sluice.entrypoints import (
    EventRouter,
    MotoEventsHook,
    MotoS3Hook,
    RetryPolicy,
    Rule,
    S3Notification,
    S3NotificationRouter,
    Schedule,
    StatusEventPublisher,
    Target,
)
from sluice.entrypoints.http_api import HttpApi, StageThrottling
from sluice.entrypoints.http_routes import Route
from sluice.event_sources import SqsClockPatch, SqsEventSourceConfig, SqsEventSourceMapping
from sluice.lambda_runtime import FunctionConfig, LambdaRuntime
from sluice.lambda_runtime.stepfunctions import step_functions_invoker
from sluice.simulators import Simulators
from sluice.stepfunctions import Integrations, StepFunctionsService, Store
from sluice.stepfunctions.errors import StateMachineDoesNotExist
from sluice.stepfunctions.http import StepFunctionsServer
from sluice.template import AwsClients, TemplateModel, load_template, provision
from sluice.template.model import FunctionSpec, HttpApiSpec, RuleTarget

LOOPBACK = "127.0.0.1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "sluice-local",
    "AWS_SECRET_ACCESS_KEY": "sluice-local",
    "AWS_SESSION_TOKEN": "sluice-local",
}
# Template parameter prefix of each simulated provider: `<prefix>BaseUrl` is pointed at the
# simulator, `<prefix>ApiKeySecretName` names the secret that receives its API key.
PROVIDER_PARAMETER_PREFIXES = {
    "erp": "Erp",
    "warehouse": "Warehouse",
    "storefront": "Storefront",
    "payments": "PaymentGateway",
}
# Webhook HMAC secrets the template references by name, by the simulator that signs with them.
WEBHOOK_SECRET_PARAMETERS = {
    "StorefrontWebhookSecretName": "storefront",
    "WarehouseWebhookSecretName": "warehouse",
}
SLACK_WEBHOOK_SECRET_PARAMETER = "SlackWebhookUrlSecretName"
# The notifier's Web API mode: the bot token secret gets the simulator's token when the
# template names one; the API base URL and the channel point at the simulator.
SLACK_BOT_TOKEN_SECRET_PARAMETER = "SlackBotTokenSecretName"
SLACK_API_BASE_URL_PARAMETER = "SlackApiBaseUrl"
SLACK_CHANNEL_PARAMETER = "SlackChannelId"
ROLE_ARN = "arn:aws:iam::{account}:role/sluice-local-{name}"
# The local cloud's own loggers. Functions' Powertools loggers are named after the service
# (`sluice`), the parent of these: without this they would print in the functions' format.
LOCAL_CLOUD_LOGGER = "sluice"
LOCAL_CLOUD_PACKAGES = (
    "alarms",
    "cloud",
    "entrypoints",
    "event_sources",
    "lambda_runtime",
    "simulators",
    "stepfunctions",
    "template",
)


class LocalCloud:
    """The whole suite on one machine: use as a context manager, or `start()` and `stop()`."""

    def __init__(self, settings: CloudSettings | None = None) -> None:
        self.settings = settings or CloudSettings()
        self.clock: Clock = (
            RealClock() if self.settings.time_scale == 1 else ScaledClock(self.settings.time_scale)
        )
        self.simulators = Simulators(self.settings.simulators, clock=self.clock)
        self.model: TemplateModel | None = None
        self.engine: StepFunctionsService | None = None
        self.runtime: LambdaRuntime | None = None
        self.http_apis: dict[str, HttpApi] = {}
        self.mappings: dict[str, SqsEventSourceMapping] = {}
        self.events: EventRouter | None = None
        self.s3_events: S3NotificationRouter | None = None
        self.alarms: LocalAlarms | None = None
        self.function_logs: FunctionLogRouter | None = None
        self.moto_url = ""
        self.engine_url = ""
        self._stack = ExitStack()
        self._status_listeners: list[Callable[[dict[str, Any]], None]] = []

    # Life cycle

    def start(self) -> LocalCloud:
        """Bring every part up; on any failure, take down what had started and re-raise."""
        try:
            self._start()
        except BaseException:
            self._stack.close()
            raise
        return self

    def stop(self) -> None:
        """Take every part down, newest first."""
        self._stack.close()

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _start(self) -> None:
        self._route_own_logs()
        self._start_moto()
        self.simulators.start()
        self._stack.callback(self.simulators.stop)
        self.model = self._load_model()
        self._enter_process_environment()
        clients = AwsClients.for_endpoint(self.moto_url, self.model.stack.region)
        provision(self.model, clients, self._secret_values(self.model))
        self._start_engine(self.model)
        self._start_functions(self.model)
        self._start_alarms(self.model)
        self._deploy_state_machines(self.model)
        self._start_event_sources(self.model)
        self._start_event_routing(self.model)
        self._start_http_apis(self.model)

    def _route_own_logs(self) -> None:
        """Send the local cloud's own logs to `<state_dir>/local-cloud.log` (else stderr)."""
        if self._persistent:
            handler: logging.Handler = logging.FileHandler(self._state_path("local-cloud.log"))
            handler.setLevel(logging.INFO)
        else:
            handler = logging.StreamHandler()
            handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        for package in LOCAL_CLOUD_PACKAGES:
            logger = logging.getLogger(f"{LOCAL_CLOUD_LOGGER}.{package}")
            saved = (logger.propagate, logger.level)
            logger.propagate = False
            logger.setLevel(logging.INFO)
            logger.addHandler(handler)
            self._stack.callback(_restore_logger, logger, handler, saved)
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        # Handlers share their boto3 clients across concurrent invocations in this process
        # (on Lambda each environment runs one at a time): full pools are expected here.
        logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)

    def _start_moto(self) -> None:
        install_moto_speedups()
        install_shared_loader()
        server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
        server.start()
        self._stack.callback(server.stop)
        host, port = server.get_host_and_port()
        self.moto_url = f"http://{host}:{port}"
        # moto's backends are global to the process: without a reset, a new local cloud would
        # see an earlier one's tables, queues and items (and answer its orders as duplicates).
        requests.post(f"{self.moto_url}/moto-api/reset", timeout=30).raise_for_status()
        in_process = InProcessMoto(self.moto_url).install()
        self._stack.callback(in_process.uninstall)
        patch = SqsClockPatch(self.clock).install()
        self._stack.callback(patch.uninstall)

    def _load_model(self) -> TemplateModel:
        template = self.settings.template
        parameters = self._provider_parameters(template)
        parameters.update(self.settings.parameter_overrides)
        return load_template(
            template, config_env=self.settings.config_env, parameter_overrides=parameters
        )

    def _provider_parameters(self, template: Path) -> dict[str, str]:
        """`<Provider>BaseUrl` for every simulated provider the template has a parameter for,
        and Slack's Web API URL and channel (used when a bot token secret is named)."""
        declared = load_template(template, config_env=None).parameters
        parameters = {
            f"{prefix}BaseUrl": self.simulators.urls[name]
            for name, prefix in PROVIDER_PARAMETER_PREFIXES.items()
            if f"{prefix}BaseUrl" in declared
        }
        slack = {
            SLACK_API_BASE_URL_PARAMETER: self.simulators.slack.api_url,
            SLACK_CHANNEL_PARAMETER: self.simulators.slack.channels[0],
        }
        parameters.update({name: value for name, value in slack.items() if name in declared})
        return parameters

    def _secret_values(self, model: TemplateModel) -> dict[str, str]:
        """Local values for the secrets the template references by name."""
        values: dict[str, str] = {}
        keys = self.simulators.api_keys
        for name, prefix in PROVIDER_PARAMETER_PREFIXES.items():
            parameter = model.parameters.get(f"{prefix}ApiKeySecretName")
            if parameter is not None and name in keys:
                values[str(parameter)] = keys[name]
        signers = {
            "storefront": self.simulators.settings.webhook_secret,
            "warehouse": self.simulators.warehouse.webhook_secret,
        }
        for parameter_name, signer in WEBHOOK_SECRET_PARAMETERS.items():
            webhook = model.parameters.get(parameter_name)
            if webhook is not None:
                values[str(webhook)] = signers[signer]
        slack = model.parameters.get(SLACK_WEBHOOK_SECRET_PARAMETER)
        if slack is not None:
            values[str(slack)] = self.simulators.slack_webhook_url
        bot_token = model.parameters.get(SLACK_BOT_TOKEN_SECRET_PARAMETER)
        if bot_token:
            values[str(bot_token)] = self.simulators.slack.bot_token
        return values

    def _enter_process_environment(self) -> None:
        """Point every boto3 client made in this process (handlers included) at the local cloud."""
        assert self.model is not None
        variables = {
            **FAKE_CREDENTIALS,
            "AWS_DEFAULT_REGION": self.model.stack.region,
            "AWS_REGION": self.model.stack.region,
            "AWS_ENDPOINT_URL": self.moto_url,
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
        self._stack.enter_context(_process_environment(variables))

    def _start_engine(self, model: TemplateModel) -> None:
        store = Store(str(self._state_path("executions.sqlite3")) if self._persistent else None)
        self.runtime = LambdaRuntime(
            clock=self.clock, account_concurrency=self.settings.account_concurrency
        )
        self._stack.callback(self.runtime.close)
        integrations = Integrations(
            lambda_invoker=step_functions_invoker(self.runtime),
            boto3_session_factory=lambda: _EndpointSession(self.moto_url),
        )
        self.engine = StepFunctionsService(
            store=store,
            clock=self.clock,
            integrations=integrations,
            region=model.stack.region,
            account_id=model.stack.account_id,
            on_status_change=self._status_changed,
            resume_running=self._persistent,
        )
        server = StepFunctionsServer(self.engine)
        self.engine_url = server.start()
        self._stack.callback(server.stop)
        self._stack.enter_context(_process_environment(server.client_environment))

    def _start_functions(self, model: TemplateModel) -> None:
        assert self.runtime is not None
        _forget_warm_state(model)
        if self._persistent or self.settings.alarms:
            log_dir = self._state_path("logs") if self._persistent else None
            self.function_logs = FunctionLogRouter(log_dir).install()
            self._stack.callback(self.function_logs.uninstall)
        for function in model.functions.values():
            self.runtime.deploy(self._function_config(function))
        layer_dirs = [layer.python_path for layer in model.layers.values()]
        self._stack.callback(install_handler_clock(self.clock, layer_dirs))

    def _start_alarms(self, model: TemplateModel) -> None:
        """Evaluate the template's alarms on this cloud's clock, if the settings ask for it."""
        if not self.settings.alarms:
            return
        assert self.function_logs is not None
        region = model.stack.region
        alarms = LocalAlarms.from_template(
            model,
            self.clock,
            sns_client=boto3.client("sns", endpoint_url=self.moto_url, region_name=region),
            cloudwatch_client=boto3.client(
                "cloudwatch", endpoint_url=self.moto_url, region_name=region
            ),
        )
        self.function_logs.add_listener(alarms.emf)
        self.on_status_change(alarms.executions)
        alarms.start()
        self._stack.callback(alarms.stop)
        self.alarms = alarms

    def _function_config(self, function: FunctionSpec) -> FunctionConfig:
        assert self.model is not None
        return FunctionConfig(
            name=function.name,
            code_dir=function.code_uri,
            handler=function.handler,
            environment=dict(function.environment),
            timeout_seconds=function.timeout,
            memory_mb=function.memory_size,
            reserved_concurrency=function.reserved_concurrency,
            layer_dirs=tuple(layer.python_path for layer in function.layers),
            region=self.model.stack.region,
            account_id=self.model.stack.account_id,
        )

    def _deploy_state_machines(self, model: TemplateModel) -> None:
        assert self.engine is not None
        for machine in model.state_machines.values():
            role = ROLE_ARN.format(account=model.stack.account_id, name=machine.logical_id)
            try:
                self.engine.describe_state_machine({"stateMachineArn": machine.arn})
            except StateMachineDoesNotExist:
                self.engine.create_state_machine(
                    {
                        "name": machine.name,
                        "definition": machine.definition,
                        "roleArn": role,
                        "type": machine.type,
                    }
                )
            else:
                self.engine.update_state_machine(
                    {"stateMachineArn": machine.arn, "definition": machine.definition}
                )

    def _start_event_sources(self, model: TemplateModel) -> None:
        assert self.runtime is not None
        sqs = boto3.client("sqs", endpoint_url=self.moto_url, region_name=model.stack.region)
        for source in model.sqs_event_sources.values():
            function = model.functions[source.function_logical_id]
            config = SqsEventSourceConfig(
                function_name=function.name,
                queue_arn=source.queue.arn,
                batch_size=source.batch_size,
                maximum_batching_window_seconds=source.maximum_batching_window_seconds,
                maximum_concurrency=source.maximum_concurrency,
                function_response_types=tuple(source.function_response_types),
                enabled=source.enabled,
            )
            mapping = SqsEventSourceMapping(config, sqs, self.runtime, self.clock)
            mapping.start()
            self._stack.callback(mapping.stop)
            self.mappings[source.logical_id] = mapping

    def _start_event_routing(self, model: TemplateModel) -> None:
        """EventBridge rules, schedules, status-change events and S3 notifications."""
        assert self.runtime is not None and self.engine is not None
        engine = self.engine
        region, account = model.stack.region, model.stack.account_id
        sqs = boto3.client("sqs", endpoint_url=self.moto_url, region_name=region)
        self.events = EventRouter(
            invoke=self.runtime.invoke,
            sqs_client=sqs,
            start_execution=lambda arn, payload: engine.start_execution(
                {"stateMachineArn": arn, "input": payload}
            ),
            clock=self.clock,
            account_id=account,
            region=region,
        )
        self._stack.callback(self.events.close)
        for bus in model.event_buses.values():
            self.events.put_event_bus(bus.name)
        for rule in model.event_rules.values():
            self.events.put_rule(
                Rule(
                    name=rule.name,
                    targets=tuple(_target(target) for target in rule.targets),
                    event_pattern=rule.event_pattern,
                    schedule_expression=rule.schedule_expression,
                    bus_name=rule.bus_name,
                    state=rule.state,
                )
            )
        for schedule in model.schedules.values():
            self.events.put_schedule(
                Schedule(
                    name=schedule.name,
                    expression=schedule.expression,
                    target=_target(schedule.target),
                    timezone=schedule.timezone,
                    group_name=schedule.group_name,
                    state=schedule.state,
                )
            )
        self.on_status_change(StatusEventPublisher(self.events, account, region, self.clock))
        self._stack.enter_context(MotoEventsHook(self.events))
        self.s3_events = S3NotificationRouter(
            invoke=self.runtime.invoke, sqs_client=sqs, clock=self.clock, region=region
        )
        self._stack.callback(self.s3_events.close)
        for bucket in model.buckets.values():
            for notification in bucket.notifications:
                filters = dict(notification.filter_rules)
                self.s3_events.add(
                    S3Notification(
                        bucket=bucket.name,
                        target_arn=notification.target.arn,
                        events=tuple(notification.events),
                        prefix=filters.get("prefix", ""),
                        suffix=filters.get("suffix", ""),
                    )
                )
        self._stack.enter_context(MotoS3Hook(self.s3_events))

    def _start_http_apis(self, model: TemplateModel) -> None:
        assert self.runtime is not None
        for api_spec in model.http_apis.values():
            api = HttpApi(
                _routes(model, api_spec),
                self.runtime.invoke,
                clock=self.clock,
                api_id=api_spec.api_id,
                account_id=model.stack.account_id,
                region=model.stack.region,
                throttling=StageThrottling.from_route_settings(
                    dict(api_spec.settings.get("DefaultRouteSettings") or {})
                ),
            )
            api.start()
            self._stack.callback(api.stop)
            self.http_apis[api_spec.logical_id] = api

    # Status changes

    def on_status_change(self, listener: Callable[[dict[str, Any]], None]) -> None:
        """Call `listener` with the execution's description on every status change."""
        self._status_listeners.append(listener)

    def _status_changed(self, description: dict[str, Any]) -> None:
        for listener in list(self._status_listeners):
            listener(description)

    # Lookups

    def function_name(self, logical_id: str) -> str:
        """The physical name of a template function."""
        assert self.model is not None
        return self.model.functions[logical_id].name

    def state_machine_arn(self, logical_id: str) -> str:
        """The ARN of a template state machine."""
        assert self.model is not None
        return self.model.state_machines[logical_id].arn

    def api_url(self, logical_id: str) -> str:
        """The base URL of a template HTTP API."""
        return self.http_apis[logical_id].url

    def endpoints(self) -> dict[str, str]:
        """Every URL the local cloud serves, by name."""
        urls = {"aws (moto)": self.moto_url, "stepfunctions": self.engine_url}
        urls |= {f"api {name}": api.url for name, api in self.http_apis.items()}
        urls |= {f"simulator {name}": url for name, url in self.simulators.urls.items()}
        return urls

    @property
    def _persistent(self) -> bool:
        return self.settings.state_dir is not None

    def _state_path(self, name: str) -> Path:
        assert self.settings.state_dir is not None
        self.settings.state_dir.mkdir(parents=True, exist_ok=True)
        return self.settings.state_dir / name


# Every execution thread shares the engine's clients: more pooled connections than boto3's 10.
_POOLED = Config(max_pool_connections=64)


class _EndpointSession:
    """A boto3 session stand-in whose clients all reach one endpoint (moto's server)."""

    def __init__(self, endpoint_url: str) -> None:
        self._endpoint_url = endpoint_url
        self._session = boto3.session.Session(
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def client(self, service: str, region_name: str) -> Any:
        return self._session.client(
            service, region_name=region_name, endpoint_url=self._endpoint_url, config=_POOLED
        )


def _forget_warm_state(model: TemplateModel) -> None:
    """Start every function cold, as a new deployment does.

    Functions share this process and their layers' modules, so what a warm handler cached for
    an earlier local cloud in this process (boto3 clients, settings, Powertools' parameter and
    secret providers) would still point at that cloud's stopped servers.
    """
    layer_dirs = {str(layer.python_path) for layer in model.layers.values()}
    for module in list(sys.modules.values()):
        module_file = str(getattr(module, "__file__", None) or "")
        if not any(module_file.startswith(layer) for layer in layer_dirs):
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    parameters.clear_caches()


def _target(target: RuleTarget) -> Target:
    """The router's target for a template rule or schedule target."""
    policy = RetryPolicy()
    if target.retry_policy is not None:
        policy = RetryPolicy(
            maximum_retry_attempts=(
                target.retry_policy.maximum_retry_attempts
                if target.retry_policy.maximum_retry_attempts is not None
                else policy.maximum_retry_attempts
            ),
            maximum_event_age_seconds=(
                target.retry_policy.maximum_event_age_seconds
                if target.retry_policy.maximum_event_age_seconds is not None
                else policy.maximum_event_age_seconds
            ),
        )
    return Target(
        target_id=target.target_id,
        arn=target.target.arn,
        input=target.input,
        input_path=target.input_path,
        input_transformer=target.input_transformer,
        retry_policy=policy,
        dead_letter_arn=target.dead_letter.arn if target.dead_letter else None,
    )


def _routes(model: TemplateModel, api: HttpApiSpec) -> list[Route]:
    return [
        Route(
            method=route.method,
            path=route.path,
            function_name=model.functions[route.function_logical_id].name,
            payload_format_version=route.payload_format_version,
            timeout_millis=route.timeout_millis or 30_000,
        )
        for route in api.routes
    ]


def _restore_logger(
    logger: logging.Logger, handler: logging.Handler, saved: tuple[bool, int]
) -> None:
    logger.removeHandler(handler)
    logger.propagate, level = saved
    logger.setLevel(level)
    handler.close()


@contextmanager
def _process_environment(variables: Mapping[str, str]) -> Iterator[None]:
    """Set process environment variables for the local cloud's lifetime, then restore them."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
