"""Azure OpenAI: the ``api-version`` query, ``/openai/deployments/{model}`` routing for deployment
endpoints, and ``api-key`` or Microsoft Entra ID (bearer token) authentication."""

from __future__ import annotations

import os
from typing import Any, Callable, Mapping

from ._client import OpenAI
from ._exceptions import OpenAIError
from ._http import Request, Response
from ._middleware import Next
from ._request_spec import RequestSpec

__all__ = ["DEPLOYMENT_ENDPOINTS", "AzureOpenAI"]

# The paths whose deployment comes from the request's ``model``, as in the official SDK.
DEPLOYMENT_ENDPOINTS = frozenset(
    {"/completions", "/chat/completions", "/embeddings", "/audio/transcriptions", "/audio/translations", "/audio/speech", "/images/generations", "/images/edits"}
)


class AzureOpenAI(OpenAI):
    """A client for Azure OpenAI.

    ``azure_endpoint`` (or ``AZURE_OPENAI_ENDPOINT``) and ``api_version`` (or ``OPENAI_API_VERSION``)
    are required; authenticate with ``api_key`` (or ``AZURE_OPENAI_API_KEY``), ``azure_ad_token``
    (or ``AZURE_OPENAI_AD_TOKEN``), or ``azure_ad_token_provider`` (called for every request).
    """

    def __init__(
        self,
        *,
        azure_endpoint: str | None = None,
        api_version: str | None = None,
        azure_deployment: str | None = None,
        api_key: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: Callable[[], str] | None = None,
        base_url: str | None = None,
        default_query: Mapping[str, object] | None = None,
        middleware: Any = (),
        trust_env: bool = True,
        **kwargs: Any,
    ) -> None:
        environ = os.environ if trust_env else {}
        api_key = api_key or environ.get("AZURE_OPENAI_API_KEY")
        azure_ad_token = azure_ad_token or environ.get("AZURE_OPENAI_AD_TOKEN")
        if not (api_key or azure_ad_token or azure_ad_token_provider):
            raise OpenAIError(
                "No credentials: pass api_key=..., azure_ad_token=... or azure_ad_token_provider=... to AzureOpenAI(), "
                "or set AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN."
            )
        api_version = api_version or environ.get("OPENAI_API_VERSION")
        if not api_version:
            raise OpenAIError("No api_version: pass api_version=... to AzureOpenAI() or set OPENAI_API_VERSION.")
        if base_url is None:
            azure_endpoint = azure_endpoint or environ.get("AZURE_OPENAI_ENDPOINT")
            if not azure_endpoint:
                raise OpenAIError("No Azure endpoint: pass azure_endpoint=... to AzureOpenAI() or set AZURE_OPENAI_ENDPOINT.")
            base_url = azure_endpoint.rstrip("/") + "/openai"
            if azure_deployment:
                base_url += f"/deployments/{azure_deployment}"
        # With a pinned deployment, only the deployment endpoints go under it; the others (models,
        # files, batches, ...) stay at {endpoint}/openai, as in the official SDK.
        self._azure_root = (azure_endpoint.rstrip("/") + "/openai") if azure_endpoint and azure_deployment else None
        self._azure_deployment = azure_deployment
        self._azure_api_key = api_key
        self._azure_ad_token = azure_ad_token
        self._azure_ad_token_provider = azure_ad_token_provider
        self.api_version = api_version
        auth = [] if api_key else [self._bearer_token]
        super().__init__(
            api_key=api_key or "azure-ad-token",
            base_url=base_url,
            default_query={"api-version": api_version, **(default_query or {})},
            middleware=[*auth, *middleware],
            trust_env=trust_env,
            **kwargs,
        )

    def _auth_headers(self, api_key: str) -> dict[str, str]:
        # With a key, Azure reads api-key; with Entra ID, the middleware sets the bearer token.
        return {"api-key": api_key} if self._azure_api_key else {}

    def _token(self) -> str:
        provider = self._azure_ad_token_provider
        token = provider() if provider is not None else self._azure_ad_token
        if not token:
            raise OpenAIError("azure_ad_token_provider returned no token")
        return token

    def _bearer_token(self, request: Request, call_next: Next) -> Response:
        request.headers["Authorization"] = f"Bearer {self._token()}"
        return call_next(request)

    def _realtime_route(self, model: str | None, query: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """A Realtime session on Azure: ``{endpoint}/openai/realtime``, the deployment (the pinned one,
        else ``model``) and ``api-version`` in the query, as the official SDK builds it."""
        root = self._azure_root or self._config.base_url.split("/deployments/", 1)[0]
        deployment = self._azure_deployment or model
        return root, {**query, **({"deployment": deployment} if deployment else {})}

    def _realtime_auth(self) -> dict[str, str]:
        return {"api-key": self._azure_api_key} if self._azure_api_key else {"Authorization": f"Bearer {self._token()}"}

    def with_options(self, *, api_version: str | None = None, **options: Any) -> AzureOpenAI:
        """A copy with some settings changed (``api_version`` too), sharing the connection pool."""
        if api_version is not None:
            options["default_query"] = {**(options.get("default_query") or {}), "api-version": api_version}
        copy = super().with_options(**options)
        assert isinstance(copy, AzureOpenAI)
        copy.api_version = api_version or self.api_version
        return copy

    copy = with_options

    def _build_request(self, spec: RequestSpec) -> Any:
        if self._azure_root is not None and spec.path not in DEPLOYMENT_ENDPOINTS and "://" not in spec.path:
            spec = spec.with_path(self._azure_root + spec.path)
        if not self._azure_deployment and spec.path in DEPLOYMENT_ENDPOINTS and isinstance(spec.body, Mapping):
            model = spec.body.get("model")
            if isinstance(model, str) and model:
                from ._url import path_segment

                spec = spec.with_path(f"/deployments/{path_segment(model, 'model')}{spec.path}")
        return super()._build_request(spec)
