"""Runs a command in a pseudo-terminal of a given size and reports, as one JSON line on stdout:
when its output first contained a marker, its CPU time over a window after that, and (on request) the raw
output. Node has no pty module here; python3's `pty` is on every machine the project runs on.

usage: pty-run.py COLUMNS ROWS MARKER WINDOW_DELAY_S WINDOW_S RAW_OUT|- -- COMMAND...
WINDOW_S 0: stop as soon as the marker is seen."""
import fcntl, json, os, pty, re, select, signal, struct, sys, termios, time

columns, rows, marker = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
window_delay, window, raw_out = float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
command = sys.argv[sys.argv.index('--') + 1:]
ANSI = re.compile(rb'\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]')
TICKS = os.sysconf('SC_CLK_TCK')

def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as stat:
        fields = stat.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS

started = time.perf_counter()
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack('HHHH', rows, columns, 0, 0))
    os.environ.update({'TERM': 'xterm-256color', 'COLUMNS': str(columns), 'LINES': str(rows)})
    os.execvp(command[0], command)

raw = bytearray()
result = {'firstFrameMs': None, 'cpuSeconds': None, 'windowSeconds': None}
deadline = started + 60
window_start = window_end = None
cpu_start = None
while True:
    now = time.perf_counter()
    if window_start is not None and cpu_start is None and now >= window_start:
        cpu_start, window_start = cpu_seconds(pid), now
    if window_end is not None and now >= window_end:
        result['cpuSeconds'] = cpu_seconds(pid) - cpu_start
        result['windowSeconds'] = now - window_start
        break
    if now > deadline:
        result['error'] = 'timed out waiting for ' + marker
        break
    ready, _, _ = select.select([fd], [], [], 0.01)
    if not ready:
        continue
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        result['error'] = 'exited before the end'
        break
    if not chunk:
        break
    raw.extend(chunk)
    if result['firstFrameMs'] is None and marker.encode() in ANSI.sub(b'', bytes(raw)):
        result['firstFrameMs'] = (time.perf_counter() - started) * 1000
        if window <= 0:
            break
        window_start = time.perf_counter() + window_delay
        window_end = window_start + window

# Ctrl+C first, so a program that handles it exits in its own way (and a --cpu-prof is written); then a kill.
try:
    os.write(fd, b'\x03')
except OSError:
    pass
for _ in range(300):
    if os.waitpid(pid, os.WNOHANG)[0] != 0:
        break
    try:
        if select.select([fd], [], [], 0.01)[0]:
            os.read(fd, 65536)
    except OSError:
        pass
else:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
if raw_out != '-':
    with open(raw_out, 'wb') as out:
        out.write(raw)
print(json.dumps(result))
