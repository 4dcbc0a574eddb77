#!/usr/bin/env python3
"""NativeAOT against JIT: fastagi serve published both ways, with the raw C FastAGI server in the same minutes.

Usage: bench/run-aot.py [--bench-dir DIR] [--starts N] [--rounds N] [--seconds S]

It builds agiload and rawagi into a temporary folder, builds fastagi serve in Release (JIT: dotnet FastAgi.Cli.dll) and
publishes it with PublishAot for linux-x64, then measures for each:
  start    process start to listening: spawn, then connect to the port every 0.5 ms until it accepts (median of N starts,
           JIT and AOT alternating)
  rss      resident memory 1 s after listening, with no call yet, and after the seed row
  rows     agiload seed and chatty at 32 calls, raw, JIT and AOT alternating (N rounds of S seconds; medians, ratio to raw),
           each build twice: as shipped (appsettings.json: scripts on the event loops) and with the library's default
           (FastAgi__RunScriptsOnEventLoops=false: scripts on the thread pool, what AddFastAgi gives)
"""
import argparse, os, re, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORTS = {"raw": 45811, "jit": 45812, "aot": 45813, "jit-default": 45814, "aot-default": 45815}
LIBRARY_DEFAULT = {"FastAgi__RunScriptsOnEventLoops": "false"}


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))


def start(cmd, port, env=None):
    """Starts a server and returns (process, milliseconds until its port accepted a connection)."""
    began = time.perf_counter()
    proc = subprocess.Popen(cmd + ["--listen", f"127.0.0.1:{port}"] if cmd[-1] == "serve" else cmd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, **(env or {})))
    deadline = began + 30
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{cmd[0]} exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, (time.perf_counter() - began) * 1000
        time.sleep(0.0005)
    raise SystemExit(f"{cmd} did not listen on {port}")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def agiload(tools, port, args):
    out = subprocess.run([os.path.join(tools, "agiload"), "-t", f"127.0.0.1:{port}"] + args, capture_output=True, text=True)
    line = next((l for l in out.stdout.splitlines() if l.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"agiload printed no RESULT line:\n{out.stdout}\n{out.stderr}")
    return {k: v for k, v in re.findall(r"(\w+)=(\S+)", line)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench-dir", default=os.environ.get("FASTAGI_BENCH_DIR", os.path.join(ROOT, "..", "shared", "bench")))
    ap.add_argument("--starts", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=5)
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="fastagi-aot-")
    tools = os.path.join(work, "tools")
    os.makedirs(tools)
    for name, extra in (("agiload", []), ("rawagi", ["-lpthread"])):
        subprocess.run(["gcc", "-O2", "-Wall", "-o", os.path.join(tools, name), os.path.join(a.bench_dir, name + ".c")] + extra, check=True)
    cli = os.path.join(ROOT, "src", "FastAgi.Cli")
    subprocess.run(["dotnet", "build", cli, "-c", "Release", "-v", "q", "-nologo"], check=True, stdout=subprocess.DEVNULL)
    native = os.path.join(work, "native")
    subprocess.run(["dotnet", "publish", cli, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", native, "-v", "q", "-nologo"],
                   check=True, stdout=subprocess.DEVNULL)
    commands = {
        "jit": ["dotnet", os.path.join(cli, "bin", "Release", "net10.0", "FastAgi.Cli.dll"), "serve"],
        "aot": [os.path.join(native, "FastAgi.Cli"), "serve"],
    }

    starts = {"jit": [], "aot": []}
    for _ in range(a.starts):
        for name in ("jit", "aot"):
            proc, ms = start(commands[name], PORTS[name])
            starts[name].append(ms)
            stop(proc)

    servers = {"raw": start([os.path.join(tools, "rawagi"), "-p", str(PORTS["raw"])], PORTS["raw"])[0]}
    idle = {}
    for name in ("jit", "aot"):
        servers[name] = start(commands[name], PORTS[name])[0]
        servers[name + "-default"] = start(commands[name], PORTS[name + "-default"], LIBRARY_DEFAULT)[0]
    time.sleep(1)
    for name in ("jit", "aot"):
        idle[name] = rss_kb(servers[name].pid)

    rows = {}
    try:
        for workload in ("seed", "chatty"):
            for _ in range(a.rounds):
                for name in ("raw", "jit", "aot", "jit-default", "aot-default"):
                    r = agiload(tools, PORTS[name], ["-w", workload, "-s", "bench/" + workload, "-c", "32", "-d", str(a.seconds)])
                    if int(r.get("errors", "0")) != 0 or int(r.get("failed", "0")) != 0:
                        raise SystemExit(f"{name} {workload}: agiload reported errors: {r}")
                    rows.setdefault((workload, name), []).append((float(r["sps"]), float(r["cps"])))
        after = {name: rss_kb(servers[name].pid) for name in ("jit", "aot")}
    finally:
        for proc in servers.values():
            stop(proc)

    print(f"start to listening, median of {a.starts}: JIT {statistics.median(starts['jit']):.0f} ms, NativeAOT {statistics.median(starts['aot']):.0f} ms")
    print(f"RSS idle: JIT {idle['jit'] / 1024:.1f} MB, NativeAOT {idle['aot'] / 1024:.1f} MB; after the rows: JIT {after['jit'] / 1024:.1f} MB, NativeAOT {after['aot'] / 1024:.1f} MB")
    print("| workload, 32 calls | rawagi calls/s (cps) | scripts on | JIT calls/s (cps) | JIT / raw | NativeAOT calls/s (cps) | AOT / raw |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for workload in ("seed", "chatty"):
        med = {n: (statistics.median(s for s, _ in rows[(workload, n)]), statistics.median(c for _, c in rows[(workload, n)])) for n in PORTS}
        raw_sps, raw = med["raw"]
        for label, suffix in (("event loops (fastagi serve)", ""), ("thread pool (library default)", "-default")):
            (jit_sps, jit), (aot_sps, aot) = med["jit" + suffix], med["aot" + suffix]
            print(f"| {workload} | {raw_sps:,.0f} ({raw:,.0f}) | {label} | {jit_sps:,.0f} ({jit:,.0f}) | {jit / raw:.2f}x | {aot_sps:,.0f} ({aot:,.0f}) | {aot / raw:.2f}x |")


if __name__ == "__main__":
    sys.exit(main())
