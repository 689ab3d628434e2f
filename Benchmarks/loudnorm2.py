"""ffmpeg's two-pass loudnorm, as its documentation describes: measure, then apply with the
measured values (linear mode). Used as the peer for `seed normalize`."""
import json, subprocess, sys

src, dst, target, ceiling = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
flt = f"loudnorm=I={target}:TP={ceiling}:LRA=20"
err = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", src, "-af", flt + ":print_format=json", "-f", "null", "-"],
                     check=True, capture_output=True, text=True).stderr
m = json.loads(err[err.rindex("{"):err.rindex("}") + 1])
second = (f"{flt}:measured_I={m['input_i']}:measured_TP={m['input_tp']}:measured_LRA={m['input_lra']}"
          f":measured_thresh={m['input_thresh']}:offset={m['target_offset']}:linear=true")
subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", src, "-af", second, "-ar", "44100", dst], check=True)
