#!/usr/bin/env bash
# Part of `make bench`: `avatar-spool split` beside ImageMagick, in one run.
#  a. a photo-like 1024x1024 grid (Tests/imaging/grid_corpus.py photo: smooth
#     gradients and noise): median wall time of RUNS runs each, alternating,
#     of `avatar-spool split GRID OUT` and of ImageMagick's
#     `convert GRID -crop 2x2@ +repage -fuzz 4% -trim +repage OUT_%d.png`;
#     targets: time ratio <= 0.33, output bytes ratio <= 1.1.
#  b. a 4096x4096 photo-like grid: peak RSS of the split over the decoded size
#     (4096 x 4096 x 3 bytes); target <= 3.
# Usage: bench_split.sh BIN WORKDIR
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$1"
WORK="$2/split"
mkdir -p "$WORK"
# The real ImageMagick, never a wrapper earlier in PATH.
IM="$(command -v convert-im6.q16 || command -v convert || true)"
if [ -z "$IM" ]; then
    echo "(skipped: ImageMagick is not installed; make bench installs it)"
    exit 0
fi
python3 Tests/imaging/grid_corpus.py photo "$WORK/grid.png" 1024
[ "${BENCH_SPLIT_MEMORY:-1}" = 1 ] && python3 Tests/imaging/grid_corpus.py photo "$WORK/grid4096.png" 4096
python3 - "$BIN" "$IM" "$WORK" "${RUNS:-15}" <<'PY'
import glob, os, resource, statistics, subprocess, sys, time
binary, im, work, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
grid = f"{work}/grid.png"
ours_cmd = [binary, "split", grid, f"{work}/ours"]
im_cmd = [im, grid, "-crop", "2x2@", "+repage", "-fuzz", "4%", "-trim", "+repage", f"{work}/im/OUT_%d.png"]
os.makedirs(f"{work}/im", exist_ok=True)

cpu = {}

def timed(cmd):
    """Wall time of one run; adds its CPU time (user + system) to cpu[cmd[0]]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu.setdefault(cmd[0], []).append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return wall

for cmd in (ours_cmd, im_cmd):  # warm the page cache and the binaries
    timed(cmd)
ours, theirs = [], []
for _ in range(runs):
    ours.append(timed(ours_cmd))
    theirs.append(timed(im_cmd))
o, t = statistics.median(ours), statistics.median(theirs)
size_o = sum(os.path.getsize(p) for p in glob.glob(f"{work}/ours/image_*.png"))
size_t = sum(os.path.getsize(p) for p in glob.glob(f"{work}/im/OUT_*.png"))
print(f"1024x1024 photo-like grid, median of {runs} runs each, alternating:")
print(f"  avatar-spool split  {o * 1000:6.1f} ms (fastest {min(ours) * 1000:.1f})   {size_o:>9,} bytes in 4 files")
print(f"  ImageMagick convert {t * 1000:6.1f} ms (fastest {min(theirs) * 1000:.1f})   {size_t:>9,} bytes in 4 files ({os.path.basename(im)})")
print(f"  time ratio {o / t:.2f} (target <= 0.33; fastest against fastest {min(ours) / min(theirs):.2f}), "
      f"size ratio {size_o / size_t:.3f} (target <= 1.1)")
co, ct = statistics.median(cpu[binary]), statistics.median(cpu[im])
print(f"  CPU time (user + system), median: {co * 1000:.1f} ms against {ct * 1000:.1f} ms, ratio {co / ct:.2f}; "
      f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

# Peak memory on a 4096x4096 grid, in a child of its own.
if not os.path.exists(f"{work}/grid4096.png"):
    sys.exit(0)
probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
rss_kib = int(subprocess.run([sys.executable, "-c", probe, binary, "split", f"{work}/grid4096.png", f"{work}/big"],
                             check=True, capture_output=True, text=True).stdout)
decoded = 4096 * 4096 * 3
print(f"4096x4096 photo-like grid: peak RSS {rss_kib / 1024:.0f} MiB = {rss_kib * 1024 / decoded:.2f}x "
      f"the decoded {decoded / 2**20:.0f} MiB (target <= 3)")
PY
