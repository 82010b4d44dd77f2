"""Rate limits on views, over ``limits`` (the windows and the Redis and memory storage that
flask-limiter itself is built on).

Why not flask-limiter, which this replaces: on ``/api/v1/curp/{curp}`` with limits on, its
per-request bookkeeping (exemption scopes, blueprint inheritance, a request context object
looked up a dozen times, limits resolved again on every call, header injection) cost ~135 µs,
three times the storage hit itself and a third of the route (bench/load.py). Here a rule's
limits are parsed once; a request counts itself in all of its windows in one step
(``blueprints.ratelimit_store``), those of every limit stacked on the view included, and a
request one window refuses spends none of the others' budget. The surface is flask-limiter's,
kept so the views read the same: ``limit``, ``shared_limit``, ``exempt``; plus ``limit_here``,
the same count made from inside a view once it knows the request has something to check.

Redis down must not take the site down: the limits move to this process's memory (logged),
and Redis is tried again every ``RETRY_SECONDS`` (ratelimit_store). Without Redis they live
there all along (``blueprints.ratelimit_memory``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request
from limits import RateLimitItem

from blueprints.ratelimit_cliente import remote_address
from blueprints.ratelimit_respuesta import (
    HEADERS_KEY,
    RateLimitExceeded,
    marcar_rechazo,
    seconds_until,
)
from blueprints.ratelimit_store import State, Window, open_storage

EXTENSION = "ratelimit"
LimitValue = str | Callable[[], str]


@dataclass(frozen=True)
class Rule:
    value: LimitValue
    scope: str | None
    key_func: Callable[[], str] | None
    methods: frozenset[str] | None
    exempt_when: Callable[[], bool] | None


Rules = tuple[tuple[Rule, str], ...]  # each with its scope


class Limiter:
    def __init__(self, key_func: Callable[[], str] = remote_address) -> None:
        self.key_func = key_func
        # Each limited view made here: the view it limits, and its rules. By identity, not an
        # attribute, which functools.wraps would copy onto a decorator put in between.
        self._stacked: dict[Callable[..., Any], tuple[Callable[..., Any], Rules]] = {}

    def init_app(self, app: Flask) -> None:
        config = app.config
        uri = config.get("RATELIMIT_STORAGE_URI", "memory://")
        app.extensions[EXTENSION] = State(
            primary=open_storage(uri),
            enabled=bool(config.get("RATELIMIT_ENABLED", True)),
            headers=bool(config.get("RATELIMIT_HEADERS_ENABLED", True)),
        )

    # --- decorators ----------------------------------------------------------------------

    def limit(
        self,
        value: LimitValue,
        *,
        methods: list[str] | None = None,
        key_func: Callable[[], str] | None = None,
        exempt_when: Callable[[], bool] | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Limit a view on its own: its scope is the view's name."""
        upper = frozenset(m.upper() for m in methods) if methods else None
        return self._decorator(Rule(value, None, key_func, upper, exempt_when))

    def shared_limit(
        self,
        value: LimitValue,
        scope: str,
        *,
        key_func: Callable[[], str] | None = None,
        exempt_when: Callable[[], bool] | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """One budget for every view decorated with the same ``scope``."""
        return self._decorator(Rule(value, scope, key_func, None, exempt_when))

    @staticmethod
    def exempt(view: Callable[..., Any]) -> Callable[..., Any]:
        """Says a public view is deliberately unlimited (nothing to check at run time)."""
        return view

    def _decorator(self, rule: Rule) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
            scope = rule.scope or f"{view.__module__}.{view.__qualname__}"
            # Limits stacked right on top of each other (a budget per address and one per
            # embedding site) are counted as one: a request the one refuses must not spend the
            # other's budget, and it is one round trip to Redis instead of one per limit.
            inner, below = self._stacked.get(view, (view, ()))
            rules = ((rule, scope), *below)
            always = all(r.methods is None and r.exempt_when is None for r, _ in rules)

            @functools.wraps(inner)
            def limited(*args: Any, **kwargs: Any) -> Any:
                state: State = current_app.extensions[EXTENSION]
                if state.enabled:
                    applying = rules if always else [(r, s) for r, s in rules if _applies(r)]
                    if applying:
                        self._check(state, applying)
                return inner(*args, **kwargs)

            self._stacked[limited] = (inner, rules)
            return limited

        return decorate

    def _check(self, state: State, rules: Sequence[tuple[Rule, str]]) -> None:
        items: list[RateLimitItem] = []
        windows: list[Window] = []
        for rule, scope in rules:
            value = rule.value() if callable(rule.value) else rule.value
            key = (rule.key_func or self.key_func)()
            for item in state.items(value):
                items.append(item)
                windows.append((item.key_for(scope, key), item.get_expiry(), item.amount))
        counted = state.count(windows)
        environ = request.environ if state.headers else {}
        failed: tuple[RateLimitItem, int] | None = None
        for item, (count, reset) in zip(items, counted, strict=True):
            remaining = max(item.amount - count, 0)
            shown = environ.get(HEADERS_KEY)
            if shown is None or remaining < shown[1]:
                environ[HEADERS_KEY] = (item.amount, remaining, reset)
            # Of the windows that refuse, the longest wait: a client told "a minute" when the
            # day is spent too would only be refused again.
            wait = seconds_until(reset)
            if count > item.amount and (failed is None or wait > failed[1]):
                failed = (item, wait)
        if failed:
            marcar_rechazo()
            raise RateLimitExceeded(*failed)

    # --- counting from inside a view -----------------------------------------------------

    def limit_here(self, *limits: LimitValue | tuple[LimitValue, Callable[[], str]]) -> None:
        """Count this request against ``limits`` now, as ``limit`` would have before the view:
        a 429 once over. For the forms whose posts with nothing to check (a required field left
        blank: they only get "Escribe tu …" back) must not spend a person's budget; they count
        only the posts that reach the database, a password or a captcha's answer. A plain value
        is counted per client address; a ``(value, key_func)`` pair under its own key (a CURP's
        hash, a mailbox's). All in one step, as stacked decorators are; the scope is the view's
        endpoint.
        """
        state: State = current_app.extensions[EXTENSION]
        if state.enabled:
            scope = str(request.endpoint)
            rules = []
            for limit in limits:
                value, key_func = limit if isinstance(limit, tuple) else (limit, None)
                rules.append((Rule(value, scope, key_func, None, None), scope))
            self._check(state, rules)

    # --- counting outside a view (sign-in attempts per account, ...) ---------------------

    def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one against ``item`` for ``identifiers``; False once over the limit."""
        state: State = current_app.extensions[EXTENSION]
        [(count, _)] = state.count([(item.key_for(*identifiers), item.get_expiry(), item.amount)])
        if count > item.amount:
            marcar_rechazo()
        return count <= item.amount

    def give_back(self, item: RateLimitItem, *identifiers: str) -> None:
        """Take back one ``hit`` that turned out not to count, while its window lasts."""
        state: State = current_app.extensions[EXTENSION]
        state.give_back(item.key_for(*identifiers))

    def test(self, item: RateLimitItem, *identifiers: str) -> bool:
        """True while one more would still be within ``item`` (nothing counted)."""
        state: State = current_app.extensions[EXTENSION]
        return state.peek(item.key_for(*identifiers)) < item.amount


def _applies(rule: Rule) -> bool:
    if rule.methods is not None and request.method not in rule.methods:
        return False
    return not (rule.exempt_when and rule.exempt_when())
