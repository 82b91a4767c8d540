"""City-scale load: gunicorn (sync workers, BUURTPLEIN_ENV=production) and wrk over the main routes.

Not a test: it prints, per route, requests/s, p50/p95/p99, errors and the ratio to a minimal page
served by the same server (a static file through Flask), and writes the table to
benchmarks/results/load_<engine>_<time>.md (git-ignored). Build the city first:

    DATABASE_URL=sqlite:////tmp/city.db .venv/bin/flask --app wsgi demo --scale city
    DATABASE_URL=sqlite:////tmp/city.db .venv/bin/python benchmarks/load_city.py
    DATABASE_URL=postgresql+psycopg://...  .venv/bin/python benchmarks/load_city.py --seconds 60

Options: --seconds (per route, default 60), --connections (64), --workers (2), --port (8766),
--routes (comma-separated names, default all). Traffic goes to 127.0.0.1 only and every wrk run
ends after --seconds.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import subprocess  # nosec B404 - runs gunicorn and wrk from this machine, fixed argument lists
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "buurtplein.example.nl"
LUA = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %.3f %.3f %.3f %.3f %d\\n", summary.requests,
           summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
           latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
"""


def routes(database_url: str) -> dict[str, str]:
    """Route name -> path, with ids that exist in this city (read once, before the server starts)."""
    from sqlalchemy import create_engine, text
    sys.path.insert(0, str(ROOT))
    from marketplace.config import normalise_database_url
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as c:
        voorziening = c.execute(text("SELECT id FROM voorziening WHERE moderation='approved' AND status='active' "
                                     "ORDER BY id DESC LIMIT 1")).scalar()
        request = c.execute(text("SELECT id FROM help_request WHERE moderation='approved' AND status='open' "
                                 "AND safety='none' ORDER BY id DESC LIMIT 1")).scalar()
        activity = c.execute(text("SELECT id FROM activity WHERE moderation='approved' ORDER BY id DESC LIMIT 1")).scalar()
        buurt = c.execute(text("SELECT code FROM area WHERE kind='buurt' ORDER BY id LIMIT 1")).scalar()
    engine.dispose()
    return {
        "minimal (static file)": "/static/css/buurtplein.css",
        "home": "/",
        "search q=taalcafe": "/voorzieningen/?q=taalcafe",
        "search with typo q=taalkafe": "/voorzieningen/?q=taalkafe",
        "list categorie=taal": "/voorzieningen/?categorie=taal",
        "list by distance 2 km": "/voorzieningen/?postcode=7541AB&afstand=2&sorteer=afstand",
        "map data categorie=taal": "/voorzieningen/kaart.json?categorie=taal",
        "voorziening detail": f"/voorzieningen/{voorziening}",
        "activities": "/activiteiten/",
        "activity detail": f"/activiteiten/{activity}",
        "help requests list": "/hulpvragen/",
        "help request detail": f"/hulpvragen/{request}",
        "offers list": "/aanbod/",
        "prikbord buurt": f"/prikbord/{buurt}",
        "suggest API": "/api/v1/suggest?text=wie%20kan%20boodschappen%20voor%20mij%20doen&postcode=7541AB",
    }


def start_server(args, database_url: str) -> tuple[subprocess.Popen, Path]:
    log = Path(tempfile.mkstemp(prefix="buurtplein-load.", suffix=".log")[1])
    env = {**os.environ, "BUURTPLEIN_ENV": "production", "DATABASE_URL": database_url,
           "SECRET_KEY": secrets.token_urlsafe(48), "BASE_URL": f"https://{HOST}",
           "API_RATE_LIMIT": "1000000 per minute", "LOG_LEVEL": "WARNING"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(  # nosec B603
        [str(gunicorn), "--workers", str(args.workers), "--bind", f"127.0.0.1:{args.port}",
         "--timeout", "30", "--error-logfile", "-", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"), start_new_session=True)
    for _ in range(240):
        try:
            get(args.port, "/healthz", 5)
            return process, log
        except OSError:
            time.sleep(0.5)
    stop(process)
    raise SystemExit(f"gunicorn did not answer /healthz; see {log}")


def get(port: int, path: str, timeout: float) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": HOST})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # nosec B310 - loopback only
        response.read()
        return response.status


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def worker_rss(master: int) -> list[float]:
    """VmRSS of gunicorn's workers (children of the master), MiB."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(sizes)


def wrk(args, path: str, script: Path) -> dict:
    out = subprocess.run(  # nosec B603 B607
        ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "30s", "-s", str(script),
         "-H", f"Host: {HOST}", f"http://127.0.0.1:{args.port}{path}"],
        capture_output=True, text=True, timeout=args.seconds + 60).stdout
    match = re.search(r"RESULT (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", out)
    if not match:
        return {"error": out.strip()[-200:]}
    n, rps, p50, p95, p99, errors = match.groups()
    return {"requests": int(n), "rps": float(rps), "p50": float(p50), "p95": float(p95), "p99": float(p99),
            "errors": int(errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--routes", default="")
    args = parser.parse_args()
    database_url = os.environ["DATABASE_URL"]
    engine = "postgresql" if database_url.startswith("postgres") else "sqlite"
    table = routes(database_url)
    if args.routes:
        wanted = set(args.routes.split(","))
        table = {k: v for k, v in table.items() if k in wanted or k.startswith("minimal")}
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(LUA)
    load_before = os.getloadavg()
    process, log = start_server(args, database_url)
    results = {}
    try:
        for name, path in table.items():
            warm = time.perf_counter()
            for _ in range(args.workers * 2):  # each worker's first request pays its start-up costs
                try:
                    get(args.port, path, 300)
                except OSError as error:
                    print(f"warm-up of {path}: {error}", flush=True)
            warm = time.perf_counter() - warm
            results[name] = {**wrk(args, path, script), "path": path, "warmup_s": warm}
            print(name, results[name], flush=True)
        memory = worker_rss(process.pid)
    finally:
        stop(process)
    minimal = results.get("minimal (static file)", {}).get("rps") or None
    load = os.getloadavg()
    lines = [f"{engine}, gunicorn {args.workers} sync workers, wrk -t2 -c{args.connections} -d{args.seconds}s, "
             f"{datetime.now():%Y-%m-%d %H:%M}, load average before the run {load_before[0]:.1f} / {load_before[1]:.1f} / "
             f"{load_before[2]:.1f}, after it {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}",
             "", "| route | requests/s | p50 ms | p95 ms | p99 ms | errors | ratio to minimal | warm-up s |",
             "|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        if "rps" not in r:
            lines.append(f"| {name} (`{r['path']}`) | failed: {r.get('error', '')} | | | | | | |")
            continue
        ratio = f"{r['rps'] / minimal:.0%}" if minimal else ""
        lines.append(f"| {name} | {r['rps']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | "
                     f"{r['errors']} of {r['requests']} | {ratio} | {r['warmup_s']:.1f} |")
    locked = sum(1 for line in log.read_text(errors="replace").splitlines() if "database is locked" in line)
    lines += ["", f"'database is locked' in the server log: {locked}; worker timeouts: "
              f"{log.read_text(errors='replace').count('WORKER TIMEOUT')}; resident memory per worker after "
              f"the run (matcher and classifier loaded): {', '.join(f'{m:.0f} MiB' for m in memory)}"]
    report = "\n".join(lines)
    print(report)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / f"load_{engine}_{datetime.now():%Y%m%d-%H%M}.md").write_text(report + "\n")
    log.unlink()
    script.unlink()


if __name__ == "__main__":
    main()
