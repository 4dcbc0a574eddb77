#!/usr/bin/env python3
"""Load benchmark: fastagi serve against the raw C FastAGI server, alternating runs, one table.

Usage: bench/run-load.py [--bench-dir DIR] [--rounds N] [--seconds S] [--hold N] [--quick] [--rows TEXT,...] [--ours-env NAME=VALUE ...]
  --bench-dir  folder holding agiload.c and rawagi.c (default: $FASTAGI_BENCH_DIR or ../shared/bench beside the checkout)
  --rows       run only the rows whose label contains one of these texts (e.g. "32 calls"); --hold 0 skips the hold
  --ours-env   an environment variable for `fastagi serve`, e.g. FastAgi__Transport=Sockets (repeatable)

It builds agiload and rawagi into a temporary folder, builds `fastagi serve` in Release, starts both servers on
loopback, then for every row runs agiload against raw, ours, raw, ours, ... (N rounds each) so that the ratio of
each row comes from the same minutes; the table shows medians. Single-call rows pin both processes with taskset.
"""
import argparse, os, re, resource, shutil, signal, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RAW_PORT, OURS_PORT = 45801, 45802


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def wait_port(port, proc, timeout=30):
    import socket
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not start")


def pin(pid, cpus):
    subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(pid)], check=True, stdout=subprocess.DEVNULL)


def agiload(tools, port, args, cpus=None):
    cmd = [os.path.join(tools, "agiload"), "-t", f"127.0.0.1:{port}"] + args
    if cpus:
        cmd = ["taskset", "-c", cpus] + cmd
    out = subprocess.run(cmd, capture_output=True, text=True)
    line = next((l for l in out.stdout.splitlines() if l.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"agiload printed no RESULT line:\n{out.stdout}\n{out.stderr}")
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", line)}, out.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench-dir", default=os.environ.get("FASTAGI_BENCH_DIR", os.path.join(ROOT, "..", "shared", "bench")))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--hold", type=int, default=10000)
    ap.add_argument("--quick", action="store_true", help="1 round of 2 s each and a 1000-call hold: a smoke run")
    ap.add_argument("--rows", default="", help="comma-separated texts; only rows whose label contains one run")
    ap.add_argument("--ours-env", action="append", default=[], metavar="NAME=VALUE", help="environment variable for fastagi serve")
    a = ap.parse_args()
    if a.quick:
        a.rounds, a.seconds, a.hold = 1, 2, 1000
    bench = os.path.abspath(a.bench_dir)
    if not os.path.isfile(os.path.join(bench, "agiload.c")):
        raise SystemExit(f"no agiload.c in {bench}; pass --bench-dir or set FASTAGI_BENCH_DIR")

    tools = tempfile.mkdtemp(prefix="fastagi-bench-")
    sh(["gcc", "-O2", "-Wall", "-o", os.path.join(tools, "agiload"), os.path.join(bench, "agiload.c")])
    sh(["gcc", "-O2", "-Wall", "-o", os.path.join(tools, "rawagi"), os.path.join(bench, "rawagi.c"), "-lpthread"])
    sh(["dotnet", "build", os.path.join(ROOT, "src", "FastAgi.Cli"), "-c", "Release", "-v", "q", "-nologo"], stdout=subprocess.DEVNULL)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    dll = os.path.join(ROOT, "src", "FastAgi.Cli", "bin", "Release", "net10.0", "FastAgi.Cli.dll")
    ours_env = dict(os.environ)
    for item in a.ours_env:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--ours-env {item}: use NAME=VALUE")
        ours_env[name] = value
    servers = {
        "raw": subprocess.Popen([os.path.join(tools, "rawagi"), "-p", str(RAW_PORT)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        "ours": subprocess.Popen(["dotnet", dll, "serve", "--listen", f"127.0.0.1:{OURS_PORT}"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ours_env),
    }
    ports = {"raw": RAW_PORT, "ours": OURS_PORT}
    try:
        for name, proc in servers.items():
            wait_port(ports[name], proc)
        # Warm up: JIT and tiered compilation settle before anything is measured.
        agiload(tools, OURS_PORT, ["-w", "seed", "-s", "bench/seed", "-c", "32", "-d", "3"])
        agiload(tools, OURS_PORT, ["-w", "chatty", "-s", "bench/chatty", "-c", "32", "-d", "3"])

        secs = str(a.seconds)
        rows = [
            ("seed, 1 call", ["-w", "seed", "-s", "bench/seed", "-c", "1", "-d", secs], None),
            ("seed, 32 calls", ["-w", "seed", "-s", "bench/seed", "-c", "32", "-d", secs], None),
            ("seed, 512 calls", ["-w", "seed", "-s", "bench/seed", "-c", "512", "-d", secs], None),
            ("chatty, 1 call, one shared core", ["-w", "chatty", "-s", "bench/chatty", "-c", "1", "-d", secs], ("0", "0")),
            ("chatty, 1 call, two cores", ["-w", "chatty", "-s", "bench/chatty", "-c", "1", "-d", secs], ("0", "1")),
            ("chatty, 32 calls", ["-w", "chatty", "-s", "bench/chatty", "-c", "32", "-d", secs], None),
        ]
        wanted = [w.strip() for w in a.rows.split(",") if w.strip()]
        if wanted:
            rows = [row for row in rows if any(w in row[0] for w in wanted)]
        table = []
        for label, args, placement in rows:
            results = {"raw": [], "ours": []}
            for _ in range(a.rounds):
                for name in ("raw", "ours"):
                    pid = servers[name].pid
                    if placement:
                        pin(pid, placement[0])
                    else:
                        pin(pid, "0-%d" % (os.cpu_count() - 1))
                    r, _ = agiload(tools, ports[name], args, placement[1] if placement else None)
                    results[name].append(r)
            table.append((label, results))
            print(f"  done: {label}", file=sys.stderr)
        for name, proc in servers.items():
            pin(proc.pid, "0-%d" % (os.cpu_count() - 1))

        holds = {}
        for name in ("raw", "ours") if a.hold > 0 else ():
            r, _ = agiload(tools, ports[name], ["-w", "seed", "-s", "bench/seed", "--hold", str(a.hold), "--hold-secs", "3",
                                                "--connect-rate", "5000", "--pid", str(servers[name].pid)])
            holds[name] = r
    finally:
        for proc in servers.values():
            proc.send_signal(signal.SIGTERM)
        for proc in servers.values():
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tools, ignore_errors=True)

    def med(rs, key):
        return statistics.median(float(r[key]) for r in rs)

    if a.ours_env:
        print("\nfastagi serve with " + " ".join(a.ours_env))
    print(f"\n{a.rounds} alternating round(s) of {a.seconds:g} s per row; medians. cps = command round trips/s.\n")
    print("| workload | raw calls/s | ours calls/s | raw cps | ours cps | ours/raw | raw p50/p99 µs | ours p50/p99 µs | p99 ours/raw | errors raw/ours |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, res in table:
        raw, ours = res["raw"], res["ours"]
        ratio = med(ours, "cps") / med(raw, "cps") if med(raw, "cps") else float("nan")
        p99 = med(ours, "p99_us") / med(raw, "p99_us") if med(raw, "p99_us") else float("nan")
        errors = (sum(int(r["errors"]) for r in raw), sum(int(r["errors"]) for r in ours))
        print(f"| {label} | {med(raw, 'sps'):,.0f} | {med(ours, 'sps'):,.0f} | {med(raw, 'cps'):,.0f} | {med(ours, 'cps'):,.0f} | "
              f"{ratio:.2f}x | {med(raw, 'p50_us'):.0f} / {med(raw, 'p99_us'):.0f} | {med(ours, 'p50_us'):.0f} / {med(ours, 'p99_us'):.0f} | "
              f"{p99:.2f}x | {errors[0]} / {errors[1]} |")
    for name in holds:
        h = holds[name]
        held = int(h["held"])
        per = (int(h["pss_held"]) - int(h["pss_before"])) / held if held else float("nan")
        rss = (int(h["rss_held"]) - int(h["rss_before"])) / held if held else float("nan")
        print(f"| hold {a.hold} idle calls, {name} | held {held} | Pss {per:.1f} KB/call | RSS {rss:.1f} KB/call | errors {h['errors']} | | | | | |")
    failed = any(int(r["errors"]) for _, res in table for rs in res.values() for r in rs) or any(int(h["errors"]) for h in holds.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
