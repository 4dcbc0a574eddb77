#!/usr/bin/env python3
"""Classic AGI: what a call costs when Asterisk starts a process for it, NativeAOT against JIT.

Usage: bench/run-classic.py [--calls N]

It builds fastagi in Release (JIT: dotnet FastAgi.Cli.dll) and publishes it with PublishAot for linux-x64, then plays
Asterisk's side of N classic calls to `fastagi agi bench/seed` for each, alternating: spawn the process, write the
environment block on its stdin (as Asterisk does before the program runs), and answer the seed workload's commands (three
STREAM FILE, HANGUP) at once. It reports the medians of process start to the first command, and of process start to its
exit (the whole call: Asterisk waits for the exit before the dialplan goes on).
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = "".join(f"{k}: {v}\n" for k, v in [
    ("agi_request", "/usr/local/bin/fastagi"), ("agi_channel", "PJSIP/1000-00000001"), ("agi_language", "en"), ("agi_type", "PJSIP"),
    ("agi_uniqueid", "1700000000.1"), ("agi_version", "22.10.1"), ("agi_callerid", "1000"), ("agi_calleridname", "Alice"),
    ("agi_callingpres", "0"), ("agi_callingani2", "0"), ("agi_callington", "0"), ("agi_callingtns", "0"), ("agi_dnid", "100"),
    ("agi_rdnis", "unknown"), ("agi_context", "classic-test"), ("agi_extension", "100"), ("agi_priority", "1"),
    ("agi_enhanced", "0.0"), ("agi_accountcode", ""), ("agi_threadid", "1"), ("agi_arg_1", "agi"), ("agi_arg_2", "bench/seed")]) + "\n"


def call(cmd):
    began = time.perf_counter()
    proc = subprocess.Popen(cmd + ["agi", "bench/seed"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0,
                            env=dict(os.environ, Logging__LogLevel__Default="Warning"))
    proc.stdin.write(ENV.encode())
    first = None
    commands = []
    for line in proc.stdout:
        if first is None:
            first = time.perf_counter() - began
        command = line.decode().rstrip("\n")
        commands.append(command)
        proc.stdin.write(b"200 result=0 endpos=8000\n" if command.startswith("STREAM FILE") else b"200 result=1\n")
    proc.wait()
    total = time.perf_counter() - began
    if proc.returncode != 0 or len(commands) != 4:
        raise SystemExit(f"{cmd[0]}: exit {proc.returncode}, commands {commands}")
    return first * 1000, total * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=20)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="fastagi-classic-")
    cli = os.path.join(ROOT, "src", "FastAgi.Cli")
    subprocess.run(["dotnet", "build", cli, "-c", "Release", "-v", "q", "-nologo"], check=True, stdout=subprocess.DEVNULL)
    native = os.path.join(work, "native")
    subprocess.run(["dotnet", "publish", cli, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", native, "-v", "q", "-nologo"],
                   check=True, stdout=subprocess.DEVNULL)
    commands = {"JIT": ["dotnet", os.path.join(cli, "bin", "Release", "net10.0", "FastAgi.Cli.dll")], "NativeAOT": [os.path.join(native, "FastAgi.Cli")]}
    results = {name: [] for name in commands}
    for _ in range(a.calls):
        for name, cmd in commands.items():
            results[name].append(call(cmd))
    print(f"classic AGI, `fastagi agi bench/seed`, {a.calls} calls each, alternating; medians")
    print("| build | start to first command | whole call (start to exit) |")
    print("|---|---:|---:|")
    for name, rows in results.items():
        print(f"| {name} | {statistics.median(r[0] for r in rows):.1f} ms | {statistics.median(r[1] for r in rows):.1f} ms |")


if __name__ == "__main__":
    sys.exit(main())
