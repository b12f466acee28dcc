"""In-process HTTP for the real client: requests go straight into the ASGI app, no sockets."""

from __future__ import annotations

import httpx
from starlette.types import ASGIApp

from bot.channels.telegram.fake.server import IN_PROCESS, TIMED_OUT


class FakeTransport(httpx.AsyncBaseTransport):
    """httpx.ASGITransport, plus injected timeouts surfacing as httpx.ReadTimeout like a lost reply."""

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.headers[IN_PROCESS] = "1"
        response = await self._inner.handle_async_request(request)
        if response.headers.get(TIMED_OUT):
            await response.aclose()
            raise httpx.ReadTimeout("the fake Bot API was told to time out", request=request)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
