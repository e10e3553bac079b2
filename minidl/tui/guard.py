"""``@guarded``: an action or message handler that fails shows why, and the app goes on.

Textual ends the whole app (and the user's unsaved network with it) on any exception that escapes a
handler, and stops the failing widget's message loop. Every entry point of the app's screens wears
this decorator, so a plugin's bug, a refused allocation or an unforeseen case becomes a message;
``MinidlApp.show_failure`` decides how it is shown.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

Method = TypeVar("Method", bound=Callable[..., Any])


def guarded(method: Method) -> Method:
    """Wrap a sync or async method of a widget or screen; put ``@on(...)`` above it, not below."""
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def run_async(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await method(self, *args, **kwargs)
            except Exception as error:
                self.app.show_failure(error)
                return None

        return run_async  # type: ignore[return-value]

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as error:
            self.app.show_failure(error)
            return None

    return run  # type: ignore[return-value]
