#!/usr/bin/env python3
"""Hardening benchmarks: a soak (many calls through one server, memory over time) and a flood (connection attempts past a
hard descriptor limit while real calls run). Prints one table each.

Usage: bench/run-hardening.py [--bench-dir DIR] [--soak-calls N] [--flood N] [--flood-limit L] [--skip-soak] [--skip-flood]
  --soak-calls   calls of agiload's seed workload through one `fastagi serve` (default 1,000,000)
  --flood        connection attempts of the flood (default 20,000), made while 32 agiload calls run
  --flood-limit  the hard descriptor limit `fastagi serve` runs under during the flood (default 4096)

The soak samples the server's RSS (/proc) and its managed heap (GC heap size, from dotnet-counters when it is installed:
`dotnet tool install -g dotnet-counters`) at the start, the middle and the end. The flood opens connections that send nothing
(up to 6,000 at a time, beyond the limit), closes them after a while, and repeats until N attempts; meanwhile agiload runs 32
seed calls and counts every error. It reports agiload's errors, whether the server is alive, its CPU time and the bytes it logged.
"""
import argparse, os, resource, shutil, signal, socket, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT = 45811


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def wait_port(port, proc, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit("server did not start")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def gc_heap_mb(pid):
    counters = shutil.which("dotnet-counters") or os.path.expanduser("~/.dotnet/tools/dotnet-counters")
    if not os.path.exists(counters):
        return None
    out = tempfile.mktemp(suffix=".csv")
    subprocess.run([counters, "collect", "-p", str(pid), "--counters", "System.Runtime", "--format", "csv", "-o", out,
                    "--refresh-interval", "1", "--duration", "00:00:03"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    last = {}
    try:
        with open(out) as f:
            for line in f:
                parts = line.strip().split(",")
                if len(parts) >= 5 and "gc.last_collection.heap.size" in parts[2]:
                    try:
                        last[parts[2]] = float(parts[4])
                    except ValueError:
                        pass
        os.remove(out)
    except OSError:
        return None
    value = sum(last.values()) if last else None
    return None if value is None else value / 1e6


def agiload(tools, args):
    out = subprocess.run([os.path.join(tools, "agiload"), "-t", f"127.0.0.1:{PORT}"] + args, capture_output=True, text=True)
    line = next((l for l in out.stdout.splitlines() if l.startswith("RESULT ")), "")
    return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv), out.stdout


def start_server(dll, limit=None, log=None):
    cmd = ["dotnet", dll, "serve", "--listen", f"127.0.0.1:{PORT}"]
    if limit:
        cmd = ["bash", "-c", f"ulimit -n {limit} && exec " + " ".join(f"'{c}'" for c in cmd)]
    proc = subprocess.Popen(cmd, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT)
    wait_port(PORT, proc)
    return proc


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        return None


def soak(tools, dll, calls):
    server = start_server(dll)
    try:
        agiload(tools, ["-w", "seed", "-s", "bench/seed", "-c", "32", "-n", "20000"])
        rows = [("start", 0, rss_kb(server.pid), gc_heap_mb(server.pid))]
        half = calls // 2
        done = 0
        errors = 0
        for label, n in (("middle", half), ("end", calls - half)):
            started = time.time()
            r, _ = agiload(tools, ["-w", "seed", "-s", "bench/seed", "-c", "32", "-n", str(n)])
            errors += int(r.get("errors", "-1"))
            done += n
            rows.append((label, done, rss_kb(server.pid), gc_heap_mb(server.pid)))
            print(f"  soak: {done} calls, {n / (time.time() - started):.0f} calls/s", file=sys.stderr)
    finally:
        code = stop(server)
    print(f"\nSoak: {calls:,} seed calls, 32 at a time, one `fastagi serve` (exit code {code}); agiload errors: {errors}\n")
    print("| point | calls | RSS | managed heap |")
    print("|---|---|---|---|")
    for label, n, rss, heap in rows:
        print(f"| {label} | {n:,} | {rss / 1024:.1f} MB | {'n/a' if heap is None else f'{heap:.1f} MB'} |")


def flood(tools, dll, attempts, limit):
    log_path = tempfile.mktemp(suffix=".log")
    with open(log_path, "wb") as log:
        server = start_server(dll, limit=limit, log=log)
        cpu_before = cpu_seconds(server.pid)
        result = {}

        def calls():
            result["load"], _ = agiload(tools, ["-w", "seed", "-s", "bench/seed", "-c", "32", "-d", "40"])

        load = threading.Thread(target=calls)
        load.start()
        started = time.time()
        made = refused = 0
        open_socks = []
        try:
            while made < attempts:
                batch = []
                for _ in range(min(6000, attempts - made)):
                    s = socket.socket()
                    s.setblocking(False)
                    try:
                        s.connect_ex(("127.0.0.1", PORT))
                        batch.append(s)
                    except OSError:
                        refused += 1
                        s.close()
                    made += 1
                open_socks.extend(batch)
                time.sleep(2)
                for s in open_socks:
                    s.close()
                open_socks.clear()
        finally:
            for s in open_socks:
                s.close()
        flood_secs = time.time() - started
        load.join()
        alive = server.poll() is None
        cpu = cpu_seconds(server.pid) - cpu_before if alive else float("nan")
        code = stop(server)
    log_bytes = os.path.getsize(log_path)
    os.remove(log_path)
    r = result.get("load", {})
    print(f"\nFlood: {attempts:,} connection attempts (sending nothing, up to 6,000 open at once) in {flood_secs:.0f} s, "
          f"under a hard limit of {limit} descriptors, while agiload ran 32 seed calls for 40 s\n")
    print("| agiload calls/s | agiload errors | server alive after | server exit code | server CPU over the 40 s | server log |")
    print("|---|---|---|---|---|---|")
    print(f"| {r.get('sps', '?')} | {r.get('errors', '?')} | {'yes' if alive else 'NO'} | {code} | {cpu:.1f} s | {log_bytes:,} bytes |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench-dir", default=os.environ.get("FASTAGI_BENCH_DIR", os.path.join(ROOT, "..", "shared", "bench")))
    ap.add_argument("--soak-calls", type=int, default=1_000_000)
    ap.add_argument("--flood", type=int, default=20_000)
    ap.add_argument("--flood-limit", type=int, default=4096)
    ap.add_argument("--skip-soak", action="store_true")
    ap.add_argument("--skip-flood", action="store_true")
    a = ap.parse_args()
    bench = os.path.abspath(a.bench_dir)
    tools = tempfile.mkdtemp(prefix="fastagi-hardening-")
    try:
        sh(["gcc", "-O2", "-Wall", "-o", os.path.join(tools, "agiload"), os.path.join(bench, "agiload.c")])
        sh(["dotnet", "build", os.path.join(ROOT, "src", "FastAgi.Cli"), "-c", "Release", "-v", "q", "-nologo"], stdout=subprocess.DEVNULL)
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        dll = os.path.join(ROOT, "src", "FastAgi.Cli", "bin", "Release", "net10.0", "FastAgi.Cli.dll")
        if not a.skip_soak:
            soak(tools, dll, a.soak_calls)
        if not a.skip_flood:
            flood(tools, dll, a.flood, a.flood_limit)
    finally:
        shutil.rmtree(tools, ignore_errors=True)


if __name__ == "__main__":
    main()
