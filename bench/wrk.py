"""wrk (Debian package `wrk`), run and read: req/s, p50, p99 (ms), non-2xx
answers and socket errors. Shared by the read benchmarks."""
import re
import subprocess


def _ms(text):
    match = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if not match:
        raise RuntimeError(f"unexpected wrk latency {text!r}")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def start_wrk(url, seconds, connections=10):
    """wrk started in the background: ``wrk_figures(process)`` reads it when it ends."""
    return subprocess.Popen(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wrk_figures(process):
    out, err = process.communicate()
    if process.returncode or "Latency Distribution" not in out:
        raise RuntimeError(f"wrk measured nothing:\n{out}{err}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    non2xx = int((re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out) or [0, 0])[1])
    errors = re.search(r"Socket errors:.*", out)
    return rps, p50, p99, non2xx, errors.group(0) if errors else ""


def run_wrk(url, seconds, connections=10):
    return wrk_figures(start_wrk(url, seconds, connections))
