"""Runs a command in a pseudo-terminal of a given size and reports, as one JSON line on stdout:
when its output first contained a marker, its CPU time over windows after that, and (on request) the raw
output. Node has no pty module here; python3's `pty` is on every machine the project runs on.

usage: pty-run.py COLUMNS ROWS MARKER WINDOWS RAW_OUT|- -- COMMAND...
WINDOWS: DELAY_S:SECONDS[,DELAY_S:SECONDS...], each starting DELAY_S after the marker was seen; - to stop as
soon as the marker is seen; exit to let the program run until it exits.
The run is given up after 60 s, or $PTY_RUN_TIMEOUT_S."""
import fcntl, json, os, pty, re, select, signal, struct, sys, termios, time

columns, rows, marker = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
until_exit = sys.argv[4] == 'exit'
windows = [] if sys.argv[4] in ('-', 'exit') else [tuple(float(part) for part in spec.split(':')) for spec in sys.argv[4].split(',')]
raw_out = sys.argv[5]
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
result = {'firstFrameMs': None, 'windows': []}
deadline = started + float(os.environ.get('PTY_RUN_TIMEOUT_S', '60'))
# Offsets from the marker at which to read the CPU time: every window's start and end.
marks = sorted({offset for delay, seconds in windows for offset in (delay, delay + seconds)})
readings = {}
seen_at = None
while True:
    now = time.perf_counter()
    if seen_at is not None and not until_exit:
        for offset in marks:
            if offset not in readings and now >= seen_at + offset:
                readings[offset] = (cpu_seconds(pid), now)
        if len(readings) == len(marks):
            result['windows'] = [
                {'cpuSeconds': readings[delay + seconds][0] - readings[delay][0], 'windowSeconds': readings[delay + seconds][1] - readings[delay][1]}
                for delay, seconds in windows
            ]
            break
    if now > deadline:
        result['error'] = 'timed out waiting for ' + marker if seen_at is None else 'still running at the deadline' if until_exit else 'the run was too short for its windows'
        break
    ready, _, _ = select.select([fd], [], [], 0.01)
    if not ready:
        continue
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        if not until_exit:
            result['error'] = 'exited before the end'
        break
    if not chunk:
        break
    if seen_at is None or raw_out != '-':
        raw.extend(chunk)
    if seen_at is None and marker.encode() in ANSI.sub(b'', bytes(raw)):
        seen_at = time.perf_counter()
        result['firstFrameMs'] = (seen_at - started) * 1000
        if not windows and not until_exit:
            break

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
