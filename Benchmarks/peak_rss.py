"""Runs a command and prints its wall time and peak resident memory (ru_maxrss of the child)."""
import resource, subprocess, sys, time

label, cmd = sys.argv[1], sys.argv[2:]
start = time.time()
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
wall = time.time() - start
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"| {label} | {wall:.1f} s | peak RSS {rss_mb:.1f} MB |")
