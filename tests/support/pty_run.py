"""Runs a command in a pseudo-terminal and types answers when prompts appear.

usage: pty_run.py '[["prompt text", "keys to send"], ...]' COMMAND [ARGS...]
Prints everything the command wrote and exits with its exit code.
"""
import json
import os
import pty
import select
import signal
import sys
import time

pairs = json.loads(sys.argv[1])
cmd = sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)

out = b""
seen = 0
step = 0
deadline = time.time() + 900
while True:
    ready, _, _ = select.select([fd], [], [], 0.3)
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
    if step < len(pairs) and pairs[step][0].encode() in out[seen:]:
        time.sleep(0.3)
        os.write(fd, pairs[step][1].encode())
        seen = len(out)
        step += 1
    if time.time() > deadline:
        os.kill(pid, signal.SIGKILL)
        break
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
if step < len(pairs):
    sys.stdout.write("\n[pty_run: prompt never appeared: %r]\n" % pairs[step][0])
sys.exit(os.waitstatus_to_exitcode(status))
