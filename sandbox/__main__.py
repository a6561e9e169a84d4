"""python -m sandbox serve | seed | info | tour: run, fill, describe and show the local emulators of the six APIs.

The product uses them only when chosen for every system: CRM_SYNC_SANDBOX=1 (it then reads the URLs and credentials
from GET /_sandbox/info on SANDBOX_PORT, default 8765; `tour` sets both for the command it runs).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from pathlib import Path

import httpx

from sandbox.system import DEFAULT_PORT, Settings
from sandbox.world import NOISE_LEVELS

DEFAULT_DATA_DIR = Path(os.environ.get("SANDBOX_DATA_DIR", ".sandbox"))
SERVER_FILE = "server.json"


class _DropPlannedLosses(logging.Filter):
    """Lost responses are injected on purpose; their tracebacks would drown the real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (isinstance(exc, ConnectionAbortedError) and "on purpose" in str(exc))


def _parse_fault(text: str) -> tuple[str, str, float]:
    try:
        target, setting = text.split(":", 1)
        name, value = setting.split("=", 1)
        return target, name, float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--fault takes SYSTEM:SETTING=VALUE (e.g. exact:rate_429=0.2 or all:latency_ms=50), got {text!r}"
        ) from None


def _running_server(data_dir: Path) -> str | None:
    """Base URL of a live server that owns this data dir, if any."""
    marker = data_dir / SERVER_FILE
    if not marker.exists():
        return None
    base_url = json.loads(marker.read_text())["base_url"]
    try:
        httpx.get(f"{base_url}/_sandbox/info", timeout=2).raise_for_status()
    except httpx.HTTPError:
        return None
    return base_url


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sandbox.app import Sandbox

    settings = Settings(data_dir=args.data_dir, port=args.port, rate_scale=args.rate_scale)
    sandbox = Sandbox(settings)
    for target, name, value in args.fault:
        names = list(sandbox.systems) if target == "all" else [target]
        for system in names:
            if system not in sandbox.systems:
                print(
                    f"--fault: unknown system {system!r}; known: {', '.join(sandbox.systems)}",
                    file=sys.stderr,
                )
                return 2
            try:
                sandbox.systems[system].faults.update({name: value})
            except ValueError as exc:
                print(f"--fault {target}:{name}: {exc}", file=sys.stderr)
                return 2
    if args.records is not None:
        counts = sandbox.seed(args.records, args.seed)
        print(f"seeded {sum(counts.values())} records (seed {args.seed})")
    (settings.data_dir / SERVER_FILE).write_text(json.dumps({"base_url": settings.base_url, "pid": os.getpid()}))
    print(f"crm_sync sandbox on {settings.base_url}  (data: {settings.data_dir}, rate scale {args.rate_scale})")
    for name, entry in sandbox.info().items():
        creds = ", ".join(f"{k}={v}" for k, v in entry["credentials"].items())  # type: ignore[union-attr]
        print(f"  {name:<11} {entry['base_url']:<40} {creds}")
    print(f"  admin       {settings.base_url}/_sandbox/  (faults, rate-limits, seed, reset, stats)")
    sys.stdout.flush()
    logging.getLogger("uvicorn.error").addFilter(_DropPlannedLosses())
    # uvicorn re-raises SIGTERM after its graceful shutdown; exiting instead lets the finally below clean up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        uvicorn.run(
            sandbox.asgi(),
            host=settings.host,
            port=settings.port,
            log_level=args.log_level,
            access_log=args.access_log,
        )
    finally:
        (settings.data_dir / SERVER_FILE).unlink(missing_ok=True)
        sandbox.close()
    return 0


def seed(args: argparse.Namespace) -> int:
    base_url = _running_server(args.data_dir)
    if base_url is not None:
        # The running server owns the store's clock and counters: let it do the seeding.
        response = httpx.post(
            f"{base_url}/_sandbox/seed",
            json={"records": args.records, "seed": args.seed, "systems": args.systems, "noise": args.noise},
            timeout=None,
        )
        response.raise_for_status()
        counts = response.json()
    else:
        from sandbox.app import Sandbox

        sandbox = Sandbox(Settings(data_dir=args.data_dir))
        try:
            counts = sandbox.seed(args.records, args.seed, args.systems, args.noise)
        except ValueError as exc:
            print(f"seed: {exc}", file=sys.stderr)
            return 2
        finally:
            sandbox.close()
    for place, count in counts.items():
        print(f"{place:<32} {count:>10,}")
    print(f"{'total':<32} {sum(counts.values()):>10,}")
    return 0


def info(args: argparse.Namespace) -> int:
    from sandbox.app import info as sandbox_info

    described = sandbox_info(Settings(data_dir=args.data_dir, port=args.port))
    if args.json:
        print(json.dumps(described, indent=2))
        return 0
    for name, entry in described.items():
        print(f"{name}: {entry['base_url']}")
        for key, value in entry["credentials"].items():  # type: ignore[union-attr]
            print(f"    {key} = {value}")
    return 0


def tour(args: argparse.Namespace) -> int:
    from sandbox.tour import run

    then = args.then[1:] if args.then[:1] == ["--"] else args.then
    return run(args.data_dir, args.records, args.seed, args.port, then)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="where the sandbox keeps its state")
        # The same variable tells the product where the chosen sandbox is.
        port = int(os.environ.get("SANDBOX_PORT", DEFAULT_PORT))
        p.add_argument("--port", type=int, default=port, help=f"default: SANDBOX_PORT, or {DEFAULT_PORT} (now {port})")

    p_serve = sub.add_parser("serve", help="serve the six APIs until stopped")
    common(p_serve)
    p_serve.add_argument(
        "--rate-scale",
        type=float,
        default=1.0,
        help="multiply every documented rate limit (0 turns rate limiting off)",
    )
    p_serve.add_argument(
        "--fault",
        type=_parse_fault,
        action="append",
        default=[],
        metavar="SYSTEM:SETTING=VALUE",
        help="inject faults, e.g. exact:rate_429=0.2, all:rate_lost=0.05, webcrm:latency_ms=80",
    )
    p_serve.add_argument("--records", type=int, help="seed this many records per entity before serving")
    p_serve.add_argument("--seed", type=int, default=1)
    p_serve.add_argument("--log-level", default="warning")
    p_serve.add_argument("--access-log", action="store_true")
    p_serve.set_defaults(run=serve)

    p_seed = sub.add_parser("seed", help="replace the sandbox's records with generated, overlapping data")
    common(p_seed)
    p_seed.add_argument("--records", type=int, required=True, help="about this many records per entity")
    p_seed.add_argument("--seed", type=int, default=1)
    p_seed.add_argument(
        "--systems",
        type=lambda text: text.split(","),
        default=None,
        help="comma-separated systems to seed (default: all); the others are left empty",
    )
    p_seed.add_argument(
        "--noise",
        choices=NOISE_LEVELS,
        default="plain",
        help="how differently systems write one person: plain, or hard (nicknames, typos, mistyped birth dates, "
        "private vs work e-mail and address, missing e-mails and phones, more households)",
    )
    p_seed.set_defaults(run=seed)

    p_info = sub.add_parser("info", help="base URLs and credentials of the six systems")
    common(p_info)
    p_info.add_argument("--json", action="store_true")
    p_info.set_defaults(run=info)

    p_tour = sub.add_parser("tour", help="seed, serve briefly and show what each system holds (the demo)")
    common(p_tour)
    p_tour.add_argument("--records", type=int, default=200)
    p_tour.add_argument("--seed", type=int, default=1)
    p_tour.add_argument("then", nargs=argparse.REMAINDER, help="-- COMMAND: run it against the sandbox, then stop")
    p_tour.set_defaults(run=tour)

    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
