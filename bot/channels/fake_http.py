"""What the fakes of the messengers' Bot APIs share: calling one in-process, timing out on request, and serving
one (or the sandbox around it) over loopback HTTP. Tests, the sandbox and the benchmarks use them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import httpx
import uvicorn
from starlette.types import ASGIApp

IN_PROCESS = "x-fake-in-process"  # set by FakeTransport: the fake then enacts a timeout by this header
TIMED_OUT = "x-fake-timed-out"


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


class Reachable:
    """What a fake Bot API offers the bot's client, given its ASGI `app`: the in-process transport, or serving on
    loopback."""

    app: ASGIApp

    def transport(self) -> httpx.AsyncBaseTransport:
        """For the bot's httpx client: no sockets, the same requests and answers."""
        return FakeTransport(self.app)

    @contextlib.asynccontextmanager
    async def serve(self, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
        """Serve over real HTTP on loopback; yields the base URL to give the bot ("http://host:port/bot")."""
        async with serve_app(self.app, host, port) as root:
            yield f"{root}/bot"


class _QuietServer(uvicorn.Server):
    """Leaves signals to its owner, who stops the bot first and the server last."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def serve_app(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve an ASGI app (a fake, or the sandbox around it) on loopback; yields "http://host:port"."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="off",
        ws="none",
        log_config=None,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = _QuietServer(config)
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(1000):  # ten seconds at most
            if server.started or task.done():
                break
            await asyncio.sleep(0.01)
        if not server.started:
            with contextlib.suppress(SystemExit):  # uvicorn exits when it cannot bind
                if task.done():
                    task.result()
            raise OSError(f"could not listen on {host}:{port}")
        bound = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        await task
