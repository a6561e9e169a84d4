"""The shared client layer: one long-lived httpx client per system with auth, retries and rate-limit waits.

Each system's client (connectors/<system>.py) adds only its specifics: how to get and refresh a token, how its
429 says when to come back, and how its pages chain. Ingest reads through these clients and the push writes
through them, so a system's quota is one budget and a quirk is fixed in one place.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx

log = logging.getLogger("crm_sync.connectors")

Page = list[dict[str, Any]]


class CRMError(Exception):
    """A call a system refused or could not answer; names the system, entity and HTTP status."""

    def __init__(self, system: str, entity: str, status: int | None, detail: str) -> None:
        self.system, self.entity, self.status, self.detail = system, entity, status, detail
        where = f"{system} {entity}".strip()
        super().__init__(f"{where}: {'HTTP ' + str(status) if status else 'no answer'}: {detail}")


def describe(exc: BaseException) -> str:
    """The most telling message in an exception chain: a CRMError names system, entity and status."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, CRMError):
            return str(seen)
        seen = seen.__cause__ or seen.__context__
    return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter on 5xx, timeouts and dropped connections."""

    attempts: int = 6
    base_seconds: float = 0.5
    cap_seconds: float = 30.0
    # A 429 tells us when to come back, so waiting for it is not a failure; bound it separately.
    max_throttle_wait_seconds: float = 900.0

    def backoff(self, attempt: int) -> float:
        return random.uniform(0, min(self.cap_seconds, self.base_seconds * 2**attempt))


class ApiClock:
    """This process's wall time split three ways, for the sync's "where the time went": waiting for the APIs'
    limits (pace slots, 429s, backoff before a retry), waiting for their answers, and the rest (our own work).

    A moment counts once, however many threads call at once: while any thread waits for a limit it is a limit
    wait, else while any thread awaits an answer it is answer time. So the parts never sum past the wall time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._limited = 0  # threads waiting for a limit now
        self._answering = 0  # threads awaiting an answer now
        self._since = time.perf_counter()
        self._limit_seconds = 0.0
        self._answer_seconds = 0.0

    def _advance(self) -> None:
        """Book the time since the last change to what the threads are doing (call with the lock held)."""
        now = time.perf_counter()
        if self._limited:
            self._limit_seconds += now - self._since
        elif self._answering:
            self._answer_seconds += now - self._since
        self._since = now

    @contextmanager
    def _counting(self, which: str) -> Iterator[None]:
        with self._lock:
            self._advance()
            setattr(self, which, getattr(self, which) + 1)
        try:
            yield
        finally:
            with self._lock:
                self._advance()
                setattr(self, which, getattr(self, which) - 1)

    @contextmanager
    def limit_wait(self) -> Iterator[None]:
        with self._counting("_limited"):
            yield

    @contextmanager
    def answer_wait(self) -> Iterator[None]:
        with self._counting("_answering"):
            yield

    def read(self) -> tuple[float, float]:
        """Seconds waited so far for limits and for answers."""
        with self._lock:
            self._advance()
            return self._limit_seconds, self._answer_seconds


# One clock for every client of the process: ingest and push share it, and the sync reads it around each step.
API_CLOCK = ApiClock()


class Pace:
    """Evenly spaced call slots shared by every thread of one client: a paced client rarely draws a 429.

    Even spacing, not a token bucket: the APIs count calls in sliding windows, where a bucket's burst followed by
    its refill rate would exceed the limit. `defer` holds every thread back after a 429.
    """

    def __init__(self, requests_per_second: float | None) -> None:
        self.interval = 1.0 / requests_per_second if requests_per_second else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Take the next slot, sleeping until it comes; the seconds slept."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            with API_CLOCK.limit_wait():
                time.sleep(slot - now)
        return slot - now

    def defer(self, seconds: float) -> None:
        """No call before `seconds` from now, in any thread."""
        with self._lock:
            self._next = max(self._next, time.monotonic() + seconds)


class Client:
    """Base of the six system clients; safe to share between a few threads (the push sends concurrently)."""

    system: ClassVar[str]
    # Where a 401 means "refresh and try again" (token flows); static API keys cannot be refreshed.
    refreshable: ClassVar[bool] = True
    # Client-side pace (calls per second, a little under the API's documented limit so that network jitter does
    # not push a window over); None = unpaced. Configurable per system: sources.<system>.requests_per_second.
    requests_per_second: ClassVar[float | None] = None

    def __init__(
        self,
        base_url: str,
        credentials: Mapping[str, str],
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        requests_per_second: float | None = None,
        concurrency: int | None = None,
    ) -> None:
        """requests_per_second overrides the class's pace; 0 turns pacing off. concurrency: the requests this
        account may have in flight at once (sources.<system>.concurrency), when it is not the writer's default."""
        self.base_url = base_url.rstrip("/")
        self.credentials = dict(credentials)
        self.retry = retry or RetryPolicy()
        self.http = httpx.Client(timeout=timeout, transport=transport, headers={"Accept": "application/json"})
        self._auth: dict[str, str] | None = None
        # One token fetch at a time: Exact's refresh tokens are single-use, so two threads refreshing at once
        # would lose the grant.
        self._auth_lock = threading.RLock()
        self._count_lock = threading.Lock()
        self.calls = 0
        rate = self.requests_per_second if requests_per_second is None else requests_per_second
        self.pace = Pace(rate or None)
        self.concurrency = concurrency

    # -- per system -----------------------------------------------------------------------------------

    def authenticate(self) -> dict[str, str]:
        """Fetch a token and return the headers every data call carries."""
        raise NotImplementedError

    def token(
        self, url: str, form: dict[str, str], *, headers: dict[str, str] | None = None, field: str = "access_token"
    ) -> dict[str, Any]:
        """POST a token request; the answer's JSON object, or CRMError (the API's own error text, never the form)."""
        try:
            with API_CLOCK.answer_wait():
                response = self.http.post(url, data=form, headers=headers or {})
        except httpx.ConnectError as exc:
            raise CRMError(self.system, "token", None, self._unreachable(url, exc)) from exc
        body = json_object(response)
        if response.status_code != 200 or field not in body or body.get("IsError"):
            raise CRMError(self.system, "token", response.status_code, f"token refused: {body}")
        return body

    def throttle_wait(self, response: httpx.Response) -> float:
        """Seconds a 429 asks us to wait; the default reads Retry-After."""
        value = response.headers.get("Retry-After")
        try:
            return max(0.0, float(value)) if value else 1.0
        except ValueError:
            return 1.0

    def observe(self, response: httpx.Response) -> None:
        """Look at every answer (Exact paces itself from its X-RateLimit-* headers)."""

    def pages(self, entity: str, *, since: Any = None, page_size: int | None = None) -> Iterator[Page]:
        """Every live record of an entity (changed after `since` when given), page by page."""
        raise NotImplementedError

    def deleted(self, entity: str, *, since: Any = None) -> Iterator[Page]:
        """The API's deleted-record feed as {"id", "deleted_at", "cursor"} rows (systems that have one)."""
        raise NotImplementedError(f"{self.system} has no deleted-record feed")

    def get(self, entity: str, id: str) -> dict[str, Any]:
        """One record as the API shows it."""
        raise NotImplementedError

    # -- shared mechanics -----------------------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        """The current auth headers, fetching a token first when there is none."""
        with self._auth_lock:
            if self._auth is None:
                self._auth = self.authenticate()
            return self._auth

    def _discard_auth(self, used: dict[str, str]) -> None:
        """Forget a refused token, unless another thread has already replaced it."""
        with self._auth_lock:
            if self._auth is used:
                self._auth = None

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def request(
        self,
        method: str,
        path: str,
        *,
        entity: str = "",
        repeatable: bool = True,
        **kwargs: Any,
    ) -> httpx.Response:
        """One call with auth, 401 refresh, 429 waits and backoff; a 4xx other than 401/429 is returned.

        repeatable=False is for writes that must not be repeated blindly (creates): a dropped connection or a 5xx
        may hide an applied write, so it raises CRMError (status None for no answer) and the caller decides.
        """
        attempt = 0
        refreshed = False
        throttled = 0.0
        extra_headers = kwargs.pop("headers", None) or {}
        while True:
            auth = self.auth_headers()
            headers = {**auth, **extra_headers}
            self.pace.wait()
            with self._count_lock:
                self.calls += 1
            try:
                with API_CLOCK.answer_wait():
                    response = self.http.request(method, self.url(path), headers=headers, **kwargs)
            except httpx.ConnectError as exc:
                # Nothing listens there (or the name does not resolve): waiting will not change that.
                raise CRMError(self.system, entity, None, self._unreachable(path, exc)) from exc
            except httpx.TransportError as exc:
                if not repeatable or attempt + 1 >= self.retry.attempts:
                    raise CRMError(
                        self.system, entity, None, f"{type(exc).__name__} from {self._redacted(path)}: {exc}"
                    ) from exc
                self._sleep(self.retry.backoff(attempt), f"{type(exc).__name__}", entity)
                attempt += 1
                continue
            self.observe(response)
            if response.status_code == 401 and self.refreshable and not refreshed:
                self._discard_auth(auth)
                refreshed = True
                continue
            if response.status_code == 429:
                wait = self.throttle_wait(response)
                throttled += wait
                if throttled > self.retry.max_throttle_wait_seconds:
                    raise CRMError(self.system, entity, 429, f"still throttled after {throttled:.0f} s of waiting")
                self.pace.defer(wait)  # the other threads wait too: the window is shared
                self._sleep(wait, "429", entity)
                continue
            if response.status_code >= 500:
                if not repeatable or attempt + 1 >= self.retry.attempts:
                    raise CRMError(self.system, entity, response.status_code, _excerpt(response))
                self._sleep(self.retry.backoff(attempt), f"HTTP {response.status_code}", entity)
                attempt += 1
                continue
            if response.status_code == 401:
                raise CRMError(self.system, entity, 401, f"credentials refused: {_excerpt(response)}")
            return response

    def _redacted(self, path: str) -> str:
        """The URL without its query (which may carry a key)."""
        return self.url(path).split("?", 1)[0]

    def _unreachable(self, path: str, exc: httpx.ConnectError) -> str:
        return (
            f"cannot connect to {self._redacted(path)} ({exc}): check sources.{self.system}.base_url and that the "
            "service is up (for the sandbox: is `python -m sandbox serve` running on SANDBOX_PORT?)"
        )

    def get_json(self, path: str, *, entity: str = "", **kwargs: Any) -> Any:
        """GET that must succeed; 204/304 mean no content (None)."""
        response = self.request("GET", path, entity=entity, **kwargs)
        if response.status_code in (204, 304):
            return None
        if response.status_code >= 400:
            raise CRMError(self.system, entity, response.status_code, _excerpt(response))
        try:
            return response.json()
        except ValueError as exc:
            raise CRMError(
                self.system, entity, response.status_code, f"answer is not JSON: {_excerpt(response)}"
            ) from exc

    def send(self, method: str, path: str, *, entity: str, **kwargs: Any) -> httpx.Response:
        """A write that must succeed: any 4xx raises CRMError with the API's own error text.

        A write is not repeated after a dropped connection or a 5xx (it may have been applied); the caller decides.
        """
        response = self.request(method, path, entity=entity, repeatable=False, **kwargs)
        if response.status_code >= 400:
            raise CRMError(self.system, entity, response.status_code, _excerpt(response))
        return response

    def _sleep(self, seconds: float, why: str, entity: str) -> None:
        log.info("%s %s: %s, waiting %.2f s", self.system, entity, why, seconds)
        with API_CLOCK.limit_wait():
            time.sleep(seconds)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _excerpt(response: httpx.Response, limit: int = 300) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:limit] + ("..." if len(text) > limit else "") or "(empty body)"


def refresh_grant(credentials: dict[str, str]) -> dict[str, str]:
    """The OAuth 2 refresh-token grant form (Zoho, Exact)."""
    keys = ("client_id", "client_secret", "refresh_token")
    return {"grant_type": "refresh_token", **{k: credentials[k] for k in keys}}


def json_object(response: httpx.Response) -> dict[str, Any]:
    """A token endpoint's JSON object, or {"raw": ...} when it answered something else."""
    try:
        body = response.json()
    except ValueError:
        return {"raw": response.text[:200]}
    return body if isinstance(body, dict) else {"raw": body}
