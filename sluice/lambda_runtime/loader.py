"""Cold start: load a function's handler module once, under a name unique to the function.

Each function's `app.py` is loaded with `importlib.util.spec_from_file_location` as
`sluice_lambda__<function>__<module>`, so two functions' `app` modules never collide. The code
directory itself is not put on `sys.path` (functions would shadow each other's modules). Layer
directories are appended to `sys.path`, after this process's site-packages (where AWS puts
/opt/python before the runtime's): the local cloud's installed packages win over a layer's
copies built for Lambda. Modules from layers are imported once and shared by every function.
Errors are raised as the Python runtime names them (`awslambdaric/bootstrap.py::_get_handler`).
"""

from __future__ import annotations

import importlib.util
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from sluice.lambda_runtime.config import FunctionConfig
from sluice.lambda_runtime.errors import (
    HANDLER_NOT_FOUND,
    IMPORT_MODULE_ERROR,
    MALFORMED_HANDLER_NAME,
    USER_CODE_SYNTAX_ERROR,
    FaultError,
    unhandled_payload,
)

Handler = Callable[[Any, Any], Any]
_MODULE_PREFIX = "sluice_lambda"
_UNSAFE = re.compile(r"[^0-9A-Za-z_]")
_PATH_LOCK = threading.Lock()


class HandlerLoader:
    """Loads one function's handler on first use and keeps it for warm invocations."""

    def __init__(self, config: FunctionConfig) -> None:
        self._config = config
        self._handler: Handler | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the module was loaded (the next invocation is warm)."""
        return self._handler is not None

    def load(self) -> Handler:
        """Return the handler, importing its module on the first call (a cold start).

        A failed import is not remembered: like Lambda after an init error, the next
        invocation tries again.
        """
        with self._lock:
            if self._handler is None:
                self._handler = self._import()
            return self._handler

    def _import(self) -> Handler:
        module_path, _, function_name = self._config.handler.rpartition(".")
        if not module_path or not function_name:
            raise FaultError(
                MALFORMED_HANDLER_NAME,
                f"Bad handler '{self._config.handler}': not enough values to unpack "
                "(expected 2, got 1)",
            )
        add_layers_to_path(self._config.layer_dirs)
        module = self._import_module(module_path)
        handler = getattr(module, function_name, None)
        if handler is None:
            raise FaultError(
                HANDLER_NOT_FOUND, f"Handler '{function_name}' missing on module '{module_path}'"
            )
        return handler

    def _import_module(self, module_path: str) -> ModuleType:
        file = Path(self._config.code_dir, *module_path.replace("/", ".").split(".")).with_suffix(
            ".py"
        )
        unique_name = _UNSAFE.sub("_", f"{_MODULE_PREFIX}__{self._config.name}__{module_path}")
        spec = importlib.util.spec_from_file_location(unique_name, file)
        if spec is None or spec.loader is None or not file.is_file():
            raise FaultError(
                IMPORT_MODULE_ERROR,
                f"Unable to import module '{module_path}': No module named '{module_path}'",
            )
        module = importlib.util.module_from_spec(spec)
        sys.modules[unique_name] = module
        try:
            spec.loader.exec_module(module)
        except ImportError as error:
            sys.modules.pop(unique_name, None)
            raise FaultError(
                IMPORT_MODULE_ERROR, f"Unable to import module '{module_path}': {error}"
            ) from error
        except SyntaxError as error:
            sys.modules.pop(unique_name, None)
            trace = [f'  File "{error.filename}" Line {error.lineno}\n    {error.text}']
            raise FaultError(
                USER_CODE_SYNTAX_ERROR, f"Syntax error in module '{module_path}': {error}", trace
            ) from error
        except Exception as error:
            sys.modules.pop(unique_name, None)
            payload = unhandled_payload(error, "")
            raise FaultError(
                payload["errorType"], payload["errorMessage"], payload["stackTrace"]
            ) from error
        return module


def add_layers_to_path(layer_dirs: tuple[Path, ...]) -> None:
    """Put layer directories on `sys.path` (process-wide, once each), as /opt/python is."""
    with _PATH_LOCK:
        for layer in layer_dirs:
            entry = str(Path(layer).resolve())
            if entry not in sys.path:
                sys.path.append(entry)
