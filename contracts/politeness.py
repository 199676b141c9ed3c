"""The ``live`` profile's manners: a request budget, a rate limit and a read-only guard."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

__all__ = ["BudgetExhausted", "Politeness", "WriteForbidden"]


class BudgetExhausted(RuntimeError):
    """The run has sent as many requests as the budget allows."""


class WriteForbidden(RuntimeError):
    """A write was about to be sent in a read-only run."""


@dataclass
class Politeness:
    """Enforced before every request; limits of ``None`` mean unlimited (the sandbox)."""

    budget: int | None = None
    rate_per_second: float | None = None
    read_only: bool = False
    sent: int = 0
    _last: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def before_request(self, method: str, is_token_endpoint: bool) -> None:
        if self.read_only and method.upper() not in ("GET", "HEAD", "OPTIONS") and not is_token_endpoint:
            raise WriteForbidden(f"{method} refused: the live profile is read-only without --allow-writes")
        with self._lock:
            if self.budget is not None and self.sent >= self.budget:
                raise BudgetExhausted(f"request budget of {self.budget} spent")
            if self.rate_per_second:
                wait = self._last + 1.0 / self.rate_per_second - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            self._last = time.monotonic()
            self.sent += 1
