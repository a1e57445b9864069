#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal of its own, as a terminal emulator would, and
drives it: each step waits for a text on the terminal, then sends a signal to the
command, types bytes, or resizes the terminal. Prints everything the terminal showed.

    pty_drive.py STEPS_JSON -- COMMAND [ARGS...]

STEPS_JSON is a list of ["wait", TEXT, COUNT] (until TEXT was shown COUNT times),
["file", PATH, TEXT, COUNT] (until the file holds TEXT COUNT times), ["signal", NAME],
["type", TEXT] or ["resize", ROWS, COLS]. A wait that times out
(10 s) ends the run with exit status 3.
"""
import fcntl, json, os, pty, select, signal, struct, sys, termios, time

steps = json.loads(sys.argv[1])
argv = sys.argv[sys.argv.index("--") + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

shown = b""

def pump(timeout):
    global shown
    r, _, _ = select.select([fd], [], [], timeout)
    if r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        shown += data
    return True

status = 0
for step in steps:
    kind = step[0]
    if kind == "wait":
        text, count = step[1].encode(), step[2]
        deadline = time.time() + 10
        while shown.count(text) < count and time.time() < deadline:
            if not pump(0.05):
                break
        if shown.count(text) < count:
            status = 3
            break
    elif kind == "file":
        path, text, count = step[1], step[2], step[3]
        def held():
            try:
                with open(path) as f:
                    return f.read().count(text)
            except OSError:
                return 0
        deadline = time.time() + 10
        while held() < count and time.time() < deadline:
            pump(0.05)
        if held() < count:
            status = 3
            break
    elif kind == "signal":
        os.kill(pid, getattr(signal, step[1]))
    elif kind == "type":
        os.write(fd, step[1].encode())
    elif kind == "resize":
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", step[1], step[2], 0, 0))
    # Let anything that follows from this step arrive (a second, unwanted delivery too).
    settle = time.time() + 0.3
    while time.time() < settle:
        if not pump(0.05):
            break

deadline = time.time() + 10
while time.time() < deadline and pump(0.05):
    pass
_, code = os.waitpid(pid, 0)
sys.stdout.buffer.write(shown)
sys.stderr.write(f"exit {os.waitstatus_to_exitcode(code)}\n")
sys.exit(status)
