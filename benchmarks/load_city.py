"""City-scale load: gunicorn (sync workers, BUURTPLEIN_ENV=production) and wrk over the main routes.

Not a test: it prints, per route, requests/s, p50/p95/p99, errors and the ratio to a minimal page
served by the same server (a static file through Flask), and writes the table to
benchmarks/results/load_<engine>_<time>.md (git-ignored). Build the city first:

    DATABASE_URL=sqlite:////tmp/city.db .venv/bin/flask --app wsgi demo --scale city
    DATABASE_URL=sqlite:////tmp/city.db .venv/bin/python benchmarks/load_city.py
    DATABASE_URL=postgresql+psycopg://...  .venv/bin/python benchmarks/load_city.py --seconds 60

Options: --seconds (per route, default 60), --connections (64), --workers (2), --port (8766),
--routes (comma-separated names, default all; "mixed" is the mixed run below). Traffic goes to
127.0.0.1 only and every wrk run ends after --seconds.

After the routes one at a time, a **mixed** run sends all of them at once, as a city's visitors
would: 85 % anonymous pages of the routes above, 10 % pages of signed-in residents (their home
page, "Mijn" and their profile) and 5 % signed-in writes (a new help request in a resident's
own words, or signing up for and off an activity), each with the resident's session cookie and
CSRF token. The rate limits are lifted for this server (all traffic comes from one address; the
limits have their own tests). Afterwards the script counts the help requests the run created in
the database: every write that answered with a redirect must be there, each text once; a few more
may be there from requests still in flight when wrk stopped (at most one per connection).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
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
from urllib.parse import urlencode

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


# The suggest API once more with a new text on every request ("... (vraag <thread>-<n>)"): what an
# answer costs when it is not in the answer cache (--routes "suggest API unique texts"; not in the mixed run).
UNIQUE = "suggest API unique texts"
UNIQUE_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("id", #threads) end
function init(args) n = 0 end
function request()
  n = n + 1
  return wrk.format("GET", wrk.path .. "%20%28vraag%20" .. id .. "-" .. n .. "%29")
end
""" + LUA


MIXED = "mixed: every route, 10 % signed-in pages, 5 % signed-in writes"  # --routes name: mixed
DEMO_PASSWORD = "buurtplein-demo"  # the demo accounts the city keeps (flask demo)
RESIDENTS = [f"bewoner{n}@demo.buurtplein.nl" for n in range(1, 17)]
REQUEST_TEXTS = [  # ordinary requests, so a write is never held back as a safety case
    ("Hulp bij de boodschappen", "Ik ben slecht ter been en kan de tassen niet meer dragen. Wie wil op "
     "donderdag met mij naar de supermarkt?"),
    ("Lamp ophangen in de gang", "Ik heb een nieuwe lamp gekocht maar ik kan niet meer op de trap staan. "
     "Wie kan hem ophangen?"),
    ("Samen wandelen", "Ik woon alleen en zou graag een keer per week met iemand een rondje lopen in "
     "het park."),
    ("Formulier van de gemeente", "Ik snap de brief over de toeslag niet. Wie kan mij helpen het formulier "
     "in te vullen?"),
]
MIX_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("id", #threads) end
function init(args) n = 0; made = 0; signed = 0; moved = 0; bad = 0 end
function request()
  n = n + 1
  local r = plan[n % #plan + 1]
  local body = r[4]
  if body then body = body:gsub("NUMBER", id .. "-" .. n) end  -- each new request its own text
  return wrk.format(r[1], r[2], r[3], body)
end
function response(status, headers, body)
  if status == 302 or status == 303 then
    local where = headers["Location"] or ""
    if where:find("/hulpvragen/%d") then made = made + 1
    elseif where:find("/activiteiten/%d") then signed = signed + 1
    else moved = moved + 1 end
  elseif status >= 400 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total = {0, 0, 0, 0}
  for _, t in ipairs(threads) do
    total[1] = total[1] + t:get("made"); total[2] = total[2] + t:get("signed")
    total[3] = total[3] + t:get("moved"); total[4] = total[4] + t:get("bad")
  end
  io.write(string.format("MIX %d %d %d %d\\n", total[1], total[2], total[3], total[4]))
""" + LUA.split("done = function(summary, latency, requests)", 1)[1]


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
        capacity = c.execute(text("SELECT id FROM activity WHERE moderation='approved' AND status='published' "
                                  "AND capacity > 0 ORDER BY id LIMIT 1")).scalar()
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
        UNIQUE: "/api/v1/suggest?postcode=7541AB&text=wie%20kan%20boodschappen%20voor%20mij%20doen",
        MIXED: f"/activiteiten/{capacity}",  # the activity its residents sign up for and off
    }


def start_server(args, database_url: str, limits: bool = True) -> tuple[subprocess.Popen, Path]:
    log = Path(tempfile.mkstemp(prefix="buurtplein-load.", suffix=".log")[1])
    env = {**os.environ, "BUURTPLEIN_ENV": "production", "DATABASE_URL": database_url,
           "SECRET_KEY": secrets.token_urlsafe(48), "BASE_URL": f"https://{HOST}",
           "API_RATE_LIMIT": "1000000 per minute", "LOG_LEVEL": "WARNING",
           "RATELIMIT_ENABLED": "true" if limits else "false"}
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


CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


def csrf_token(page: str) -> str:
    return re.search(r'value="([^"]+)"', CSRF_INPUT.search(page).group(0)).group(1)


def sign_in(port: int, email: str) -> tuple[str, str]:
    """Log one demo resident in: (Cookie header, CSRF token of the session) for the mixed run."""
    def call(method: str, path: str, body: str = "", cookie: str = ""):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Host": HOST, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        page = response.read().decode(errors="replace")
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
        connection.close()
        return response.status, page, "; ".join(cookies) or cookie

    _status, page, cookie = call("GET", "/login")
    token = csrf_token(page)
    status, _page, cookie = call("POST", "/login", urlencode(
        {"email": email, "password": DEMO_PASSWORD, "csrf_token": token}), cookie)
    if status not in (302, 303):
        raise SystemExit(f"login of {email} answered {status}")
    _status, page, cookie = call("GET", "/hulpvragen/nieuw", cookie=cookie)
    return cookie, csrf_token(page)


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def mixed_plan(table: dict[str, str], sessions: list[tuple[str, str]], activity: int, seed: int = 7) -> str:
    """A Lua table of 400 requests in a fixed shuffled order: wrk's threads walk it round and round."""
    anonymous = [path for name, path in table.items() if not name.startswith(("minimal", "mixed"))]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    plan = []
    for i in range(400):
        cookie, token = sessions[i % len(sessions)]
        kind = i % 20
        if kind == 0:  # 5 %: writes, half new requests, half sign-up / sign-off
            if i % 40 == 0:
                title, text = REQUEST_TEXTS[(i // 40) % len(REQUEST_TEXTS)]
                body = urlencode({"csrf_token": token, "category": "weet-niet", "title": title,
                                  "description": f"{text} (vraag NUMBER)", "urgency": "geen haast", "postcode": "7541AB",
                                  "languages": "nl"})
                plan.append(("POST", "/hulpvragen/nieuw", {**form, "Cookie": cookie}, body))
            else:
                action = "aanmelden" if (i // 20) % 4 == 1 else "afmelden"
                plan.append(("POST", f"/activiteiten/{activity}/{action}", {**form, "Cookie": cookie},
                             urlencode({"csrf_token": token})))
        elif kind in (1, 2):  # 10 %: signed-in pages
            plan.append(("GET", ("/", "/mijn/", "/profiel")[i % 3], {"Cookie": cookie}, ""))
        else:
            plan.append(("GET", anonymous[i % len(anonymous)], {}, ""))
    random.Random(seed).shuffle(plan)
    rows = []
    for method, path, headers, body in plan:
        lua_headers = "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()) + "}"
        rows.append(f"{{{lua_string(method)}, {lua_string(path)}, {lua_headers}, {lua_string(body) if body else 'nil'}}}")
    return "plan = {\n" + ",\n".join(rows) + "\n}\n"


def requests_made_by(database_url: str, emails: list[str]) -> tuple[int, int]:
    """Help requests of these residents, and how many distinct texts they hold (each write's is unique)."""
    from sqlalchemy import bindparam, create_engine, text
    from marketplace.config import normalise_database_url
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as c:
        count, texts = c.execute(text(
            "SELECT count(*), count(DISTINCT r.description) FROM help_request r "
            "JOIN user_account u ON u.id = r.posted_by_id "
            "WHERE u.email IN :emails").bindparams(bindparam("emails", expanding=True)), {"emails": emails}).one()
    engine.dispose()
    return int(count), int(texts)


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
            "errors": int(errors), "raw": out}


def run_mixed(args, database_url: str, table: dict[str, str], activity: int) -> tuple[dict, str]:
    """All routes at once with signed-in pages and writes, on a server without rate limits."""
    process, log = start_server(args, database_url, limits=False)
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    try:
        sessions = [sign_in(args.port, email) for email in RESIDENTS]
        script.write_text(mixed_plan(table, sessions, activity) + MIX_LUA)
        before, texts_before = requests_made_by(database_url, RESIDENTS)
        for path in table.values():  # every worker warm on every route
            for _ in range(args.workers * 2):
                get(args.port, path, 300)
        result = wrk(args, "/", script)
        time.sleep(1)
        out = result.pop("raw", "")
    finally:
        stop(process)
        script.unlink()
    match = re.search(r"MIX (\d+) (\d+) (\d+) (\d+)", out)
    if match:
        made, signed, moved, bad = map(int, match.groups())
        after, texts = requests_made_by(database_url, RESIDENTS)
        result["writes"] = {"made": made, "signed": signed, "moved": moved, "bad": bad,
                            "in_database": after - before, "doubled": (after - before) - (texts - texts_before)}
    result.update(path="(mixed)", warmup_s=0.0)
    print(MIXED, result, flush=True)
    text_log = log.read_text(errors="replace")
    log.unlink()
    return result, text_log


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
    every_route = routes(database_url)
    table = dict(every_route)
    if args.routes:
        wanted = set(args.routes.split(","))
        table = {k: v for k, v in table.items() if k in wanted or k.startswith(("minimal", MIXED if "mixed" in wanted else "-"))}
    mixed = table.pop(MIXED, None)
    every_route.pop(MIXED)
    every_route.pop(UNIQUE)  # the mixed run keeps its mix
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(LUA)
    unique_script = Path(tempfile.mkstemp(suffix=".lua")[1])
    unique_script.write_text(UNIQUE_LUA)
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
            results[name] = {**wrk(args, path, unique_script if name == UNIQUE else script), "path": path,
                             "warmup_s": warm}
            results[name].pop("raw", None)
            print(name, results[name], flush=True)
        memory = worker_rss(process.pid)
    finally:
        stop(process)
    server_log = log.read_text(errors="replace")
    if mixed:
        results[MIXED], mixed_log = run_mixed(args, database_url, every_route, int(mixed.rsplit("/", 1)[1]))
        server_log += mixed_log
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
    locked = sum(1 for line in server_log.splitlines() if "database is locked" in line)
    lines += ["", f"'database is locked' in the server log: {locked}; worker timeouts: "
              f"{server_log.count('WORKER TIMEOUT')}; resident memory per worker after "
              f"the run (matcher and classifier loaded): {', '.join(f'{m:.0f} MiB' for m in memory)}"]
    if MIXED in results and "writes" in results[MIXED]:
        w = results[MIXED]["writes"]
        # wrk stops with requests in flight: their writes are done, their answers never counted (at
        # most one per connection). Lost would be fewer rows than redirects; doubled, one text twice.
        in_flight = w["in_database"] - w["made"]
        verdict = ("none lost, none doubled" if 0 <= in_flight <= args.connections and not w["doubled"]
                   else "LOST OR DOUBLED")
        lines += [f"Mixed run: {w['made']} new help requests answered with a redirect, {w['in_database']} "
                  f"in the database ({in_flight} still in flight when wrk stopped; {verdict}); "
                  f"{w['signed']} sign-ups and sign-offs; {w['bad']} answers of 400 or more."]
    report = "\n".join(lines)
    print(report)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / f"load_{engine}_{datetime.now():%Y%m%d-%H%M}.md").write_text(report + "\n")
    log.unlink()
    script.unlink()
    unique_script.unlink()


if __name__ == "__main__":
    main()
