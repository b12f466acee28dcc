"""Group commit: calls that arrive while a write is under way are written together in the next one.

A lone call is written at once, so a quiet bot waits for nothing; under a storm, forty webhook posts cost one
transaction instead of forty. Each caller gets its own item's result, or the write's error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    def __init__(self, write: Callable[[list[Item]], Awaitable[Sequence[Result]]], most: int = 200) -> None:
        self._write = write  # returns one result per item, in order
        self._most = most
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def __call__(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        return await future  # a caller that gives up cancels its own future, never the others' write

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
            try:
                results = await self._write([item for item, _ in batch])
            except asyncio.CancelledError:  # shutting down: nobody is left waiting for ever
                for _, future in batch + self._waiting:
                    future.cancel()
                self._waiting = []
                raise
            except Exception as error:
                _fail(batch, error)
                continue
            if len(results) != len(batch):  # a writer's bug must not leave its callers waiting for ever
                _fail(batch, RuntimeError(f"{len(results)} results for {len(batch)} items"))
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)


def _fail(batch: list[tuple[Item, asyncio.Future[Result]]], error: Exception) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(error)
