"""The ASGI app: every request goes route -> authentication -> role -> validation -> handler.

No input answers 500: every error is caught and answered in the contract's shape. In test mode
(``validate_responses``) each response is checked against openapi.yaml and a violation answers 500 and is
recorded in ``app.state.violations``, since it is a sandbox bug.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from optt.sandbox import identity, resources, uaa
from optt.sandbox.calls import Call, Handler, Reply, Services
from optt.sandbox.errors import ApiError, FieldError, OAuthFailure, error_body
from optt.sandbox.faults import FaultSet
from optt.sandbox.keys import load_or_create_key
from optt.sandbox.logs import ACCESS_LOGGER, LOGGER, log_event, mask_query
from optt.sandbox.seed import seed
from optt.sandbox.settings import SandboxSettings
from optt.sandbox.spec import Contract, Operation, field_errors
from optt.sandbox.store import Store
from optt.sandbox.tokens import InvalidTokenError, TokenService

__all__ = ["BEARER_CHALLENGE", "MAX_BODY_BYTES", "Sandbox", "create_app"]

BEARER_CHALLENGE = 'Bearer realm="optt"'
MAX_BODY_BYTES = 4 * 1024 * 1024
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_JSON = "application/json"

HANDLERS: dict[str, Handler] = {**resources.HANDLERS, **identity.HANDLERS, **uaa.HANDLERS}


@dataclass
class _Exchange:
    """What the pipeline learnt about one request, for the access log and the response check."""

    request_id: str
    operation: Operation | None = None
    role: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class Sandbox:
    """One sandbox instance: its contract, state, keys and request pipeline."""

    def __init__(self, settings: SandboxSettings) -> None:
        self.settings = settings
        self.faults = FaultSet(settings.faults)
        self.contract = Contract(settings.spec_path)
        missing = sorted(set(self.contract.by_id) - set(HANDLERS) - uaa.TOKEN_OPERATIONS)
        if missing:
            raise RuntimeError(f"no handler for: {', '.join(missing)}")
        self.store = Store(settings.data_dir)
        seed(self.store)
        key = load_or_create_key(settings.data_dir)
        self.services = Services(settings, self.store, TokenService(key, settings.client_id, self.faults), self.faults)
        self.violations: list[str] = []

    # -- responses ---------------------------------------------------------------------------------------------
    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None, plain: bool = False) -> Response:
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        media = "text/plain" if plain else _JSON
        return Response(payload, status_code=status, headers=headers or {}, media_type=media)

    def _error(self, exc: ApiError, path: str) -> Response:
        if exc.status == 404 and self.faults.on("error_body_wrong_shape"):
            return self._json(404, {"message": exc.message}, exc.headers)
        return self._json(exc.status, error_body(exc.status, exc.message, path, exc.errors), exc.headers)

    # -- the pipeline ------------------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry (mounted for every path and method, so 404 and 405 follow the contract)."""
        response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        started = time.perf_counter()
        incoming = request.headers.get("x-request-id", "")
        exchange = _Exchange(incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex)
        path = request.url.path
        try:
            response = await self._handle(request, exchange)
        except ApiError as exc:
            response = self._error(exc, path)
        except Exception:
            LOGGER.exception("unhandled error (request_id=%s)", exchange.request_id)
            response = self._error(ApiError(500, "Internal Server Error"), path)
        # Stamped before the response check, which needs it (the spec makes it required), and
        # again on the check's own 500, which is a new response.
        self._stamp_request_id(response, exchange)
        if self.settings.validate_responses and exchange.operation is not None:
            response = self._check(exchange, response, path)
            self._stamp_request_id(response, exchange)
        log_event(
            ACCESS_LOGGER,
            logging.INFO,
            "request",
            method=request.method,
            path=path,
            query=_masked(request.url.query),
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
            request_id=exchange.request_id,
            role=exchange.role,
            operation=exchange.operation.operation_id if exchange.operation else None,
        )
        return response

    def _stamp_request_id(self, response: Response, exchange: _Exchange) -> None:
        if not self.faults.on("missing_request_id"):
            response.headers["X-Request-Id"] = exchange.request_id

    def _check(self, exchange: _Exchange, response: Response, path: str) -> Response:
        assert exchange.operation is not None
        headers = {name.lower(): value for name, value in response.headers.items()}
        problems = self.contract.check_response(exchange.operation, response.status_code, headers, bytes(response.body))
        if not problems:
            return response
        summary = f"{exchange.operation.operation_id} answered {response.status_code}: " + "; ".join(problems)
        self.violations.append(summary)
        log_event(LOGGER, logging.ERROR, "contract_violation", request_id=exchange.request_id, problems=problems)
        return self._json(500, error_body(500, f"Response violates the contract: {summary}", path))

    async def _handle(self, request: Request, exchange: _Exchange) -> Response:
        path = request.url.path
        method = request.method.upper()
        if path in ("/health", "/openapi.yaml"):
            if method not in ("GET", "HEAD"):
                return self._method_not_allowed("GET", path)
            if path == "/health":
                return self._json(200, {"status": "ok"})
            return Response(self.contract.raw, media_type="application/yaml")
        base = self.contract.base_path
        found = self.contract.match(path[len(base) :]) if path.startswith(base + "/") else None
        if found is None:
            if self.faults.on("unknown_path_500"):
                raise RuntimeError("planted fault: unknown_path_500")
            raise ApiError(404, "No such path")
        entry, path_params = found
        op = entry.operations.get(method)
        if op is None:
            if method == "OPTIONS":
                return Response(status_code=204, headers={"Allow": entry.allow})
            return self._method_not_allowed(entry.allow, path)
        exchange.operation = op
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise ApiError(
                400, "Request body too large", [FieldError("body", f"must be at most {MAX_BODY_BYTES} bytes")]
            )
        headers = {name.lower(): value for name, value in request.headers.items()}
        if op.operation_id in uaa.TOKEN_OPERATIONS:
            try:
                pairs = parse_qsl(request.url.query, keep_blank_values=True)
                reply = uaa.token_endpoint(self.services, op, headers, pairs, body)
            except OAuthFailure as failure:
                content = {"error": failure.error, "error_description": failure.description}
                return self._json(failure.status, content, failure.headers)
            return self._reply(reply)
        call = Call(self.services, op.operation_id, path, {}, None)
        if not op.public:
            self._authenticate(call, op, headers, exchange)
        query = dict(parse_qsl(request.url.query, keep_blank_values=True)[::-1])
        params, errors = self.contract.parameters(op, path_params, query, headers)
        call.params = params
        if op.body_media:
            call.body, body_errors = self._body(op, headers, body)
            errors.extend(body_errors)
        if errors:
            noun = "error" if len(errors) == 1 else "errors"
            raise ApiError(400, f"Validation failed: {len(errors)} {noun}", errors)
        return self._reply(HANDLERS[op.operation_id](call))

    def _method_not_allowed(self, allow: str, path: str) -> Response:
        headers = {} if self.faults.on("method_not_allowed_without_allow") else {"Allow": allow}
        return self._error(ApiError(405, "Method not allowed", headers=headers), path)

    def _reply(self, reply: Reply) -> Response:
        plain = reply.status == 200 and self.faults.on("wrong_content_type")
        return self._json(reply.status, reply.body, reply.headers, plain=plain)

    def _authenticate(self, call: Call, op: Operation, headers: dict[str, str], exchange: _Exchange) -> None:
        authorization = headers.get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise self._unauthorized("Full authentication is required to access this resource", sent=False)
        try:
            principal = self.services.tokens.verify_access(token)
        except InvalidTokenError as exc:
            raise self._unauthorized(str(exc), sent=True) from None
        user = self.store.user_by_name(principal.username.lower())
        if user is None:
            raise self._unauthorized("Unknown user", sent=True)
        granted = [role for role in principal.authorities if role in op.roles]
        exchange.role = granted[0] if granted else (principal.authorities[0] if principal.authorities else None)
        skip = op.operation_id == "createCaregiverUsingPOST" and self.faults.on("caregiver_role_check_skipped")
        if not granted and not skip:
            raise ApiError(403, "Access is denied")
        call.user = user
        call.role = exchange.role

    def _unauthorized(self, message: str, sent: bool) -> ApiError:
        headers: dict[str, str] = {}
        if not self.faults.on("www_authenticate_missing"):
            headers["WWW-Authenticate"] = BEARER_CHALLENGE + (', error="invalid_token"' if sent else "")
        return ApiError(401, message, headers=headers)

    def _body(self, op: Operation, headers: dict[str, str], body: bytes) -> tuple[Any, list[FieldError]]:
        if not body.strip():
            if op.body_required:
                return None, [FieldError("body", "Required request body is missing")]
            return None, []
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        validator = op.body_media.get(ctype)
        if validator is None:
            wanted = ", ".join(op.body_media)
            return None, [FieldError("Content-Type", f"'{ctype or '(none)'}' is not supported; use {wanted}")]
        try:
            parsed = json.loads(body, parse_constant=_reject_constant)
            json.dumps(parsed, ensure_ascii=False).encode("utf-8")
        except (ValueError, UnicodeError, RecursionError):
            return None, [FieldError("body", "Malformed JSON")]
        formats = not self.faults.on("validation_skipped")
        return parsed, field_errors(validator, parsed, formats=formats)


def _masked(query: str) -> str | None:
    return mask_query(query) or None


def create_app(settings: SandboxSettings | None = None) -> Starlette:
    """The sandbox as an ASGI app; ``app.state.sandbox`` is the :class:`Sandbox` behind it."""
    sandbox = Sandbox(settings or SandboxSettings())

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        sandbox.store.close()

    # The sandbox is the router's default, not a Route("/{path:path}"): Starlette's path regex does not
    # match a newline (%0A) inside a segment, and such requests got Starlette's plain-text 404.
    app = Starlette(lifespan=lifespan)
    app.router.default = sandbox
    app.state.sandbox = sandbox
    app.state.violations = sandbox.violations
    return app
