"""What every system's writer offers the push: typed writes in, one result per record out.

A writer turns plan records into the exact HTTP requests its API takes (batched to the API's limit), sends them
through the system's client (connectors/), and reports one Result per record. The push never builds a request
itself, so `--dry-run` shows exactly what `write` would send.

A system's writer says only what differs: how a batch becomes a request (`build`), how an answer becomes
results (`outcomes`), how to convert values its API types differently (`convert`) and where to look for records
it may have created (`candidates`). Batching, concurrency, splitting a refused batch, the one retry of a failed
update and the matching of find_created live here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Literal, TypeVar

import httpx

from connectors.base import Client, CRMError

log = logging.getLogger("crm_sync.reverse_etl")

Status = Literal["created", "updated", "rejected", "failed"]
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Write:
    """One record to write: update `record_id`, or create a record when it is None."""

    key: str  # the plan_key: the push's handle on this record
    record_id: str | None
    # API field path ("MailAddress.City", "Account_Name.id") -> JSON value, already typed (str, float, None;
    # dates as "YYYY-MM-DD", ids as str); a writer converts what its API wants otherwise (WebCRM's int ids).
    fields: dict[str, Any]


@dataclass(frozen=True)
class Result:
    """What happened to one Write.

    rejected: the API refused this record (4xx or a per-record error); nothing was written; retried next run.
    failed:   no usable answer (dropped connection, 5xx after retries); the write may or may not have landed.
    """

    key: str
    status: Status
    record_id: str | None = None
    http_status: int | None = None
    error: str | None = None  # the API's own error text
    field: str | None = None  # the field the API named, when it named one


@dataclass(frozen=True)
class Request:
    """One HTTP request a writer sends, carrying the keys of the Writes it holds."""

    method: str
    url: str
    keys: tuple[str, ...]
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class Refusal(ValueError):
    """A value the writer cannot put into the API's type: the record is rejected without being sent."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class Writer:
    system: ClassVar[str]
    batch_size: ClassVar[int] = 1  # records per request (1 where the API has no batch writes)
    concurrency: int = 1  # requests in flight at once (the client's `concurrency` setting overrides it)
    # Where a batch request's records sit in its JSON body: "data" (Zoho), "items" (Custom CRM), "" for a bare
    # array (WebCRM); None for one record per request. Used to split a batch the API refused as a whole.
    items_key: ClassVar[str | None] = None

    def __init__(self, client: Client) -> None:
        self.client = client
        if client.concurrency:
            self.concurrency = client.concurrency

    # -- per system -----------------------------------------------------------------------------------

    def build(self, entity: str, writes: Sequence[Write], current: Mapping[str, dict[str, Any]]) -> Request:
        """The request for one batch: all creates or all updates, at most batch_size of them. `current` holds
        the records as they are now, for APIs whose updates replace the whole record (see `current`)."""
        raise NotImplementedError

    def outcomes(self, request: Request, response: httpx.Response, writes: Sequence[Write]) -> list[Result] | None:
        """One Result per write of the request, in order; None when the API refused the request as a whole."""
        raise NotImplementedError

    def candidates(self, entity: str, since: datetime) -> Iterator[tuple[str, dict[str, Any]]]:
        """(id, record) of records created at or after `since`, as the API lists them (a superset is fine)."""
        raise NotImplementedError

    def convert(self, entity: str, path: str, value: Any) -> Any:
        """A plan value in the type the API wants at this path; raises Refusal when it cannot be."""
        return value

    def current(self, entity: str, writes: Sequence[Write]) -> tuple[dict[str, dict[str, Any]], list[Result]]:
        """The records the updates change, as they are now, by id (APIs that replace whole records on update);
        and rejections for updates whose record is gone."""
        return {}, []

    def blame(self, response: httpx.Response, count: int) -> dict[int, tuple[str, str | None]]:
        """For a batch refused as a whole: the items the answer names (index -> error text, field)."""
        return {}

    def fallback(self, request: Request, response: httpx.Response) -> Request | None:
        """A second form of a request the API refused for a reason the writer can work around."""
        return None

    def record_url(self, entity: str, record_id: str) -> str:
        """The URL of one record (updates by id and deletes go there)."""
        raise NotImplementedError

    # -- the interface ---------------------------------------------------------------------------------

    def requests(self, entity: str, writes: Sequence[Write]) -> list[Request]:
        """The exact requests `write` sends for these records (what --dry-run shows and stores)."""
        return self._plan(entity, writes)[0]

    def write(self, entity: str, writes: Sequence[Write]) -> list[Result]:
        """Send them; one Result per Write, in the order of `writes`. A bad record never stops the others."""
        requests, refused = self._plan(entity, writes)
        by_key = {w.key: w for w in writes}
        results = {r.key: r for r in refused}
        for batch in run_all(lambda r: self._send(entity, r, by_key), requests, self.concurrency):
            results.update((r.key, r) for r in batch)
        missing = Result("", "failed", error="the writer produced no result for this record")
        return [results.get(w.key) or _with(missing, w) for w in writes]

    def find_created(
        self, entity: str, since: datetime, writes: Sequence[Write], exclude_ids: set[str]
    ) -> dict[str, str]:
        """Records created at or after `since` whose fields equal a create Write's: key -> record id.

        How the push finds a record whose create was applied but whose answer was lost, before creating it again.
        Every field the create sent must read back equal (strings trimmed, numbers as Decimal, nested paths);
        each record is adopted at most once, the first matching write (in the given order) takes it. A key may
        come with several writes (what earlier runs sent under it, and what the plan holds now): any one matches.
        """
        wanted: dict[str, list[dict[str, Any]]] = {}
        for w in writes:
            if w.record_id is None:
                try:
                    fields = {path: self.convert(entity, path, v) for path, v in w.fields.items()}
                except Refusal:
                    continue  # never sent, so never created
                wanted.setdefault(w.key, []).append(fields)
        found: dict[str, str] = {}
        if not wanted:
            return found
        taken = set(exclude_ids)
        for record_id, record in self.candidates(entity, since.astimezone(UTC)):
            if record_id in taken:
                continue
            for key, forms in wanted.items():
                if key not in found and any(
                    all(same(v, value_at(record, path)) for path, v in expected.items()) for expected in forms
                ):
                    found[key] = record_id
                    taken.add(record_id)
                    break
            if len(found) == len(wanted):
                break
        return found

    # -- one record at a time: tests, benchmarks and tools (the push sends batches through `write`) -------

    def create(self, entity: str, fields: Mapping[str, Any]) -> str:
        """Create one record from API field paths ("MailAddress.City"); its new id. CRMError when refused."""
        return str(self._one(entity, Write("create", None, dict(fields))).record_id)

    def update(self, entity: str, record_id: str, fields: Mapping[str, Any]) -> None:
        """Change the given field paths of one record and leave the others as they are. CRMError when refused."""
        self._one(entity, Write("update", record_id, dict(fields)))

    def delete(self, entity: str, record_id: str) -> None:
        """Delete one record. The push never deletes (a deletion unlinks); tests of deletion tracking do."""
        self.client.send("DELETE", self.record_url(entity, record_id), entity=entity)

    def _one(self, entity: str, write: Write) -> Result:
        (result,) = self.write(entity, [write])
        if result.status not in ("created", "updated"):
            error = result.error or result.status
            named = f"{result.field}: {error}" if result.field and result.field not in error else error
            raise CRMError(self.system, entity, result.http_status, named)
        return result

    # -- shared mechanics ------------------------------------------------------------------------------

    def payload(self, entity: str, write: Write) -> dict[str, Any]:
        """The write's fields converted and nested ("MailAddress.City" -> {"MailAddress": {"City": ...}})."""
        return nest({path: self.convert(entity, path, value) for path, value in write.fields.items()})

    def _plan(self, entity: str, writes: Sequence[Write]) -> tuple[list[Request], list[Result]]:
        """The requests, and rejections of records that cannot be sent at all."""
        refused: list[Result] = []
        sendable: list[Write] = []
        for w in writes:
            try:
                self.payload(entity, w)
                if w.record_id is not None:
                    self.record_key(w.record_id)
            except Refusal as exc:
                refused.append(Result(w.key, "rejected", w.record_id, None, str(exc), exc.field))
            else:
                sendable.append(w)
        creates = [w for w in sendable if w.record_id is None]
        updates = [w for w in sendable if w.record_id is not None]
        current, gone = self.current(entity, updates) if updates else ({}, [])
        refused += gone
        lost = {r.key for r in gone}
        updates = [w for w in updates if w.key not in lost]
        # Creates and updates go in separate requests: a failed update can be repeated, a failed create cannot.
        requests = [
            self.build(entity, batch, current)
            for group in (creates, updates)
            for batch in chunks(group, self.batch_size)
        ]
        return requests, refused

    def record_key(self, record_id: str) -> Any:
        """The record id as the API's paths and bodies take it (an int where the API's ids are ints)."""
        return record_id

    def _send(self, entity: str, request: Request, by_key: Mapping[str, Write]) -> list[Result]:
        writes = [by_key[k] for k in request.keys]
        try:
            response = self.client.request(
                request.method,
                request.url,
                entity=entity,
                json=request.json,
                headers=request.headers,
                # Updates set fields to values: repeating one is harmless. A create repeated may create twice.
                repeatable=all(w.record_id is not None for w in writes),
            )
        except CRMError as exc:
            # The client already retried what may be repeated (updates); what is left failed.
            return [Result(w.key, "failed", w.record_id, exc.status, exc.detail) for w in writes]
        alternative = self.fallback(request, response)
        if alternative is not None:
            return self._send(entity, alternative, by_key)
        try:
            results = self.outcomes(request, response, writes)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            if response.status_code >= 400:
                results = None if len(writes) > 1 else [rejected(writes[0], response, excerpt(response))]
            else:
                # It answered success but not in a shape we can read: the records may have landed.
                error = f"unreadable answer ({type(exc).__name__}: {exc}): {excerpt(response)}"
                return [Result(w.key, "failed", w.record_id, response.status_code, error) for w in writes]
        if results is not None:
            return results
        return self._refused_batch(entity, request, response, writes, by_key)

    def _refused_batch(
        self,
        entity: str,
        request: Request,
        response: httpx.Response,
        writes: Sequence[Write],
        by_key: Mapping[str, Write],
    ) -> list[Result]:
        """A batch the API refused as a whole: reject the records it names and send the others again; when it
        names none, split the batch in halves until the bad records stand alone."""
        if len(writes) == 1 or self.items_key is None:
            return [rejected(w, response, excerpt(response)) for w in writes]
        blamed = {i: v for i, v in self.blame(response, len(writes)).items() if 0 <= i < len(writes)}
        results = [rejected(writes[i], response, error, name) for i, (error, name) in blamed.items()]
        rest = [i for i in range(len(writes)) if i not in blamed]
        if blamed:
            parts = [rest] if rest else []
        else:
            middle = len(writes) // 2
            parts = [rest[:middle], rest[middle:]]
        log.info("%s %s: batch of %d refused as a whole, sending %s", self.system, entity, len(writes), parts)
        for part in parts:
            results += self._send(entity, self.subrequest(request, part), by_key)
        return results

    def subrequest(self, request: Request, indexes: Sequence[int]) -> Request:
        """The same request with only some of its records."""
        body = request.json
        items = body if self.items_key == "" else body[self.items_key]
        subset = [items[i] for i in indexes]
        json = subset if self.items_key == "" else {**body, self.items_key: subset}
        keys = tuple(request.keys[i] for i in indexes)
        return Request(request.method, request.url, keys, json, dict(request.headers))


# -- results ------------------------------------------------------------------------------------------


def succeeded(write: Write, response: httpx.Response, record_id: Any = None) -> Result:
    """A write the API applied: created (with its new id) or updated."""
    if write.record_id is None:
        return Result(write.key, "created", str(record_id), response.status_code)
    return Result(write.key, "updated", write.record_id, response.status_code)


def rejected(write: Write, response: httpx.Response, error: str, field: str | None = None) -> Result:
    return Result(write.key, "rejected", write.record_id, response.status_code, error, field or None)


def _with(template: Result, write: Write) -> Result:
    return Result(write.key, template.status, write.record_id, template.http_status, template.error, template.field)


def excerpt(response: httpx.Response, limit: int = 500) -> str:
    text = response.text.strip().replace("\n", " ")
    return (text[:limit] + ("..." if len(text) > limit else "")) or f"HTTP {response.status_code} (empty body)"


def json_body(response: httpx.Response) -> Any:
    """The answer's JSON, or None when it has none."""
    try:
        return response.json()
    except ValueError:
        return None


# -- batching and concurrency -------------------------------------------------------------------------


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def run_all(work: Callable[[T], R], items: Iterable[T], concurrency: int) -> list[R]:
    """work(item) for every item, `concurrency` at a time, results in item order."""
    items = list(items)
    if concurrency <= 1 or len(items) <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
        return list(pool.map(work, items))


# -- dotted field paths -------------------------------------------------------------------------------


def nest(fields: Mapping[str, Any]) -> dict[str, Any]:
    """{"MailAddress.City": "Oslo", "Name": "x"} -> {"MailAddress": {"City": "Oslo"}, "Name": "x"}."""
    out: dict[str, Any] = {}
    for path, value in fields.items():
        *parents, last = path.split(".")
        node = out
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                if child is not None:
                    raise Refusal(path, f"{part} is written both as a value and as an object")
                child = node[part] = {}
            node = child
        if isinstance(node.get(last), dict):
            raise Refusal(path, f"{last} is written both as a value and as an object")
        node[last] = value
    return out


def merge(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The record with the nested changes on top; objects merge member by member, other values are replaced."""
    out = dict(current)
    for name, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(name), dict):
            out[name] = merge(out[name], value)
        else:
            out[name] = value
    return out


def value_at(record: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, None where any part is missing."""
    node: Any = record
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


# -- comparing what was sent with what reads back -----------------------------------------------------

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


def normalise(value: Any) -> Any:
    """A value as find_created compares it: trimmed text (empty is None), numbers as Decimal, GUIDs in lower
    case, objects member by member."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        return text.lower() if _GUID.match(text) else text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    return value


def same(sent: Any, found: Any) -> bool:
    a, b = normalise(sent), normalise(found)
    if (isinstance(a, Decimal) and isinstance(b, str)) or (isinstance(a, str) and isinstance(b, Decimal)):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except InvalidOperation:
            return False
    return bool(a == b)


def parse_time(value: Any) -> datetime | None:
    """An API's ISO-8601 time as an aware datetime (naive means UTC); None when it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def created_since(
    pages: Iterable[list[dict[str, Any]]], id_field: str, created_field: str, since: datetime
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, record) of listed records whose creation time is at or after `since` (listings by change time
    return a superset: records created earlier and changed since)."""
    for page in pages:
        for record in page:
            created = parse_time(record.get(created_field))
            if created is not None and created >= since:
                yield str(record[id_field]), record


def to_int(path: str, value: Any) -> int | None:
    """A plan value (id as str, number as float) as the int an API wants."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Refusal(path, f"{value!r} is not an integer") from None
    if isinstance(value, bool) or not number.is_finite() or number != number.to_integral_value():
        raise Refusal(path, f"{value!r} is not an integer")
    return int(number)
