"""
wire.py - what a frame costs on the wire and what idling costs in
wake-ups (#17), for ptybench.py, which passes itself in as `pb` (its Term,
pump, wait_frame, ... helpers) and a row(figure, ours, target, peers)
callback. Figures only; nothing is asserted.

  writes per frame  each program under `strace -f -y -ttt -e trace=write`
                    in its own pty: the write()s to the pty (the fd strace
                    names /dev/pts/N) up to the end of the first frame, then
                    per keypress (the console: j/k on the runbook list; the
                    peers: Down/Up), from the key until 50 ms of quiet
  through sshd      Debian's /usr/sbin/sshd -D on a free loopback port with
                    a throwaway host key and user key in a temp dir (its own
                    config; nothing under /etc read or changed), the program
                    run by `ssh -tt` from a pty; per keypress, the change in
                    data_segs_out and bytes_sent of sshd's end of that
                    connection (`ss -tin`): segments as a mean over the
                    keypresses, bytes as a median; and the same per refresh
                    interval while idle
  wake-ups          voluntary context switches of every thread
                    (/proc/PID/task/*/status, sampled every 0.25 s so the
                    short-lived threads are counted too) over the idle
                    window, per minute: each is one sleep a thread came
                    back from
"""
import os
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import time

SSHD = "/usr/sbin/sshd"
WRITE = re.compile(r"^\d+\s+([\d.]+) write\(\d+</dev/pts/\d+>, .*?, (\d+)(?:\)| <unfinished)")


def peer_keys(name):
    """The two keys that move the selection down and up."""
    if name == "amconsole":
        return [b"j", b"k"]
    return [b"\x1b[B", b"\x1b[A"]


# ---- wake-ups ----


def tids(pid):
    """The thread ids of a live process ([] when gone)."""
    try:
        return os.listdir("/proc/%d/task" % pid)
    except OSError:
        return []


def switches(pid):
    """{tid: (name, voluntary, nonvoluntary)} of a live process."""
    out = {}
    for tid in tids(pid):
        name, vol, inv = "?", 0, 0
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                for line in f:
                    if line.startswith("Name:"):
                        name = line.split(None, 1)[1].strip()
                    elif line.startswith("voluntary_ctxt_switches:"):
                        vol = int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches:"):
                        inv = int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
        out[tid] = (name, vol, inv)
    return out


class Wake:
    """Voluntary context switches of every thread of a process over a
    window. Threads come and go (a worker per refresh), and a thread's
    counts go with it, so sample() is called often (every 0.25 s from the
    window's loop): a thread is counted up to its last sample; one that
    lives and dies between two samples is missed."""

    def __init__(self, pid):
        self.pid, self.at = pid, 0.0
        self.first = switches(pid)
        self.last = dict(self.first)
        self.born = 0

    def sample(self, every=0.25):
        if time.monotonic() - self.at < every:
            return
        self.at = time.monotonic()
        for tid, v in switches(self.pid).items():
            if tid not in self.last:
                self.born += 1
            self.last[tid] = v

    def per_minute(self, seconds):
        """(wake-ups per minute, {thread name: per minute})."""
        self.sample(0)
        scale = 60.0 / seconds if seconds > 0 else 0
        by = {}
        for tid, (name, vol, _) in self.last.items():
            # The worker threads carry the process's name: the main (UI)
            # thread is told apart by its id, the process's.
            if tid == str(self.pid):
                name = "main thread"
            by[name] = by.get(name, 0) + (vol - self.first.get(tid, (name, 0, 0))[1]) * scale
        total = sum(by.values())
        by["(threads started in the window and seen: %d)" % self.born] = 0
        return total, by


def wake_text(x):
    return "-" if x is None else "{:,.0f} /min".format(x)


def wake_row(row, window, ours, peers):
    row("wake-ups per minute over %.0f s idle, every panel live (voluntary context "
        "switches of its threads, a lower bound)" % window, wake_text(ours), "-", peers)


# ---- write()s per frame ----


def traced(argv, out):
    return ["strace", "-f", "-y", "-ttt", "-s", "0", "-e", "trace=write", "-o", out, "--"] + argv


def tty_writes(path):
    """[(wall time, bytes)] of the write()s to a pty in a strace log."""
    out = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = WRITE.match(line)
                if m:
                    out.append((float(m.group(1)), int(m.group(2))))
    except OSError:
        pass
    return out


def press(pb, term, key, quiet=0.05, timeout=1.0):
    """Send key once the term is quiet; (wall start, wall end) of the
    output it caused (end = start when nothing came)."""
    pb.wait_quiet(term, quiet)
    w0, t0 = time.time(), pb.now()
    term.send(key)
    end = t0 + timeout
    while pb.now() < end and not term.dead:
        pb.pump([term], 0.01)
        if term.last and term.last > t0 and pb.now() - term.last >= quiet:
            break
    return w0, time.time()


def count_writes(pb, name, argv, env, n, marker=b"Quit"):
    """(first-frame writes, bytes), [(writes, bytes) per keypress]."""
    log = os.path.join(pb.T, "strace-%s.log" % name.split()[0])
    t = pb.Term(name, traced(argv, log), env)
    if pb.wait_frame(t, marker, timeout=30) is None:
        t.stop()
        return None, []
    w_first = time.time()
    pb.pump_until([t], pb.now() + 1.0)
    keys = peer_keys(name)
    spans = [press(pb, t, keys[i % 2]) for i in range(n)]
    t.stop()
    ws = tty_writes(log)
    first = [b for w, b in ws if w <= w_first]
    per = []
    for w0, w1 in spans:
        got = [b for w, b in ws if w0 <= w <= w1]
        per.append((len(got), sum(got)))
    return (len(first), sum(first)), per


def writes_text(first, per):
    if first is None:
        return "no frame", "no frame"
    f = "%d (%s bytes)" % (first[0], "{:,}".format(first[1]))
    if not per:
        return f, "-"
    moved = [p for p in per if p[0]]
    k = "%s (median %s bytes; mean %.2f writes)" % (
        fmt(median([p[0] for p in per])), "{:,.0f}".format(median([p[1] for p in per])),
        sum(p[0] for p in per) / len(per))
    if len(moved) < len(per):
        k += "; %d of %d keys drew nothing" % (len(per) - len(moved), len(per))
    return f, k


def fmt(x):
    return "-" if x is None else "%g" % x


def median(xs):
    return statistics.median(xs) if xs else None


def writes_rows(pb, row, peers):
    if not shutil.which("strace"):
        row("write()s per frame", "n/a (no strace)", "1", {})
        return
    n = 20 if pb.QUICK else 40
    pb.log("write()s per frame under strace: first frame, then %d keypresses each" % n)
    first, keys = {}, {}
    progs = [("amconsole", pb.am_argv(), pb.home_env("amw"))]
    for p in ("htop", "pg_activity"):
        if isinstance(peers[p], str):
            first[p] = keys[p] = peers[p]
        else:
            progs.append((p, peers[p], pb.home_env(p + "w")))
    for name, argv, env in progs:
        f, per = count_writes(pb, name, argv, env, n)
        pb.log("%s: first frame %s; per keypress (writes, bytes) %s" % (name, f, per))
        first[name], keys[name] = writes_text(f, per)
    am_first, am_keys = first.pop("amconsole"), keys.pop("amconsole")
    row("write()s for the first frame (runbooks only; strace, to the tty)", am_first, "1",
        first)
    row("write()s per keypress (selection moved: j / Down)", am_keys, "1", keys)


# ---- through a real sshd on loopback ----


class Sshd:
    """/usr/sbin/sshd -D on a free loopback port, keys and config in d."""

    def __init__(self, d):
        self.d, self.proc, self.made_run = d, None, False
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o700)
        for k in ("host_key", "user_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench",
                            "-f", os.path.join(d, k)], check=True, stdout=subprocess.DEVNULL)
        shutil.copy(os.path.join(d, "user_key.pub"), os.path.join(d, "authorized_keys"))
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.user = os.environ.get("USER") or subprocess.run(
            ["id", "-un"], capture_output=True, text=True).stdout.strip()
        conf = os.path.join(d, "sshd_config")
        with open(conf, "w") as f:
            f.write("\n".join([
                "Port %d" % self.port, "ListenAddress 127.0.0.1",
                "HostKey %s/host_key" % d, "PidFile %s/sshd.pid" % d,
                "AuthorizedKeysFile %s/authorized_keys" % d, "StrictModes no", "UsePAM no",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes", "PermitRootLogin prohibit-password",
                "AllowUsers %s" % self.user, "Compression no", "X11Forwarding no",
                "AllowTcpForwarding no", "PrintMotd no", "PrintLastLog no", "UseDNS no",
                "LogLevel ERROR", ""]))
        # sshd run as root wants its privilege-separation directory, which
        # the init system makes at boot; a container has none.
        if os.getuid() == 0 and not os.path.isdir("/run/sshd"):
            os.makedirs("/run/sshd", 0o755)
            self.made_run = True
        self.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", conf],
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(d, "sshd.err"), "wb"),
                                     start_new_session=True)
        end = time.monotonic() + 10
        while time.monotonic() < end and self.proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        with open(os.path.join(d, "sshd.err"), errors="replace") as f:
            raise RuntimeError("sshd did not start: " + f.read().strip()[-200:])

    def argv(self, argv, env):
        remote = "exec env " + " ".join(shlex.quote("%s=%s" % kv) for kv in sorted(env.items()))
        remote += " LANG=C.UTF-8 LC_ALL=C.UTF-8 " + " ".join(shlex.quote(a) for a in argv)
        return ["ssh", "-tt", "-F", "/dev/null", "-p", str(self.port),
                "-i", os.path.join(self.d, "user_key"), "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new",
                "-o", "UserKnownHostsFile=%s/known_hosts" % self.d, "-o", "Compression=no",
                "-o", "LogLevel=ERROR", "%s@127.0.0.1" % self.user, remote]

    def counters(self):
        """(data segments, bytes) sshd has sent on its one session, or None."""
        r = subprocess.run(["ss", "-tinH", "state", "established",
                            "( sport = :%d )" % self.port], capture_output=True, text=True)
        segs = re.findall(r"\bdata_segs_out:(\d+)", r.stdout)
        sent = re.findall(r"\bbytes_sent:(\d+)", r.stdout)
        if len(segs) != 1 or len(sent) != 1:
            return None
        return int(segs[0]), int(sent[0])

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.made_run:
            try:
                os.rmdir("/run/sshd")
            except OSError:
                pass
            self.made_run = False


def over_ssh(pb, sshd, name, argv, env, n, prep=None):
    """([(segments, bytes) per keypress], (segments, bytes) per idle
    refresh interval), or None without a frame. prep: keys sent first
    (the console's `:pods` Enter, to move on the Pods list)."""
    t = pb.Term("ssh-" + name, sshd.argv(argv, env), {})
    try:
        if pb.wait_frame(t, b"Quit", timeout=30) is None:
            return None
        pb.pump_until([t], pb.now() + 2.0)
        if prep:
            t.send(prep)
            pb.pump_until([t], pb.now() + 2.0)
        # Idle: a whole number of refresh intervals, nothing pressed.
        c0, t0 = sshd.counters(), pb.now()
        pb.pump_until([t], t0 + (4 if pb.QUICK else 5) * pb.INTERVAL)
        c1, el = sshd.counters(), pb.now() - t0
        idle = None
        if c0 and c1:
            k = el / pb.INTERVAL
            idle = ((c1[0] - c0[0]) / k, (c1[1] - c0[1]) / k)
        keys, per = peer_keys(name), []
        for i in range(n):
            pb.wait_quiet(t, 0.05)
            a = sshd.counters()
            press(pb, t, keys[i % 2])
            b = sshd.counters()
            if a and b:
                per.append((b[0] - a[0], b[1] - a[1]))
        return per, idle
    finally:
        t.stop()


def ssh_rows(pb, row, peers):
    figs = ("through sshd on loopback: TCP data segments per keypress (mean)",
            "through sshd on loopback: bytes per keypress (SSH framing included)",
            "through sshd on loopback: segments, bytes per refresh, idle")
    why = None
    if not os.access(SSHD, os.X_OK) or not shutil.which("ssh") or not shutil.which("ss"):
        why = "n/a (no %s, ssh or ss: openssh-server, iproute2)" % SSHD
    if why:
        for f in figs:
            row(f, why, "-", {})
        return
    n = 20 if pb.QUICK else 40
    pb.log("through sshd on loopback: %d keypresses each, and idle" % n)
    try:
        sshd = Sshd(os.path.join(pb.T, "sshd"))
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
        for f in figs:
            row(f, "n/a (%s)" % e, "-", {})
        return
    cells = {}
    try:
        progs = [("amconsole", pb.am_argv(), pb.home_env("ams"))]
        for p in ("htop", "pg_activity"):
            if isinstance(peers[p], str):
                cells[p] = (peers[p],) * 3
            else:
                progs.append((p, peers[p], pb.home_env(p + "s")))
        for name, argv, env in progs:
            res = over_ssh(pb, sshd, name, argv, env, n)
            pb.log("%s over ssh: %s" % (name, res))
            if res is None:
                cells[name] = ("no frame",) * 3
                continue
            per, idle = res
            # The mean: the median hides the keys a frame leaves in pieces.
            segs = "%.2f (median %s)" % (sum(p[0] for p in per) / max(1, len(per)),
                                         fmt(median([p[0] for p in per])))
            nb = "-" if not per else "{:,.0f}".format(median([p[1] for p in per]))
            idl = "-" if idle is None else "%.1f, %s" % (idle[0], "{:,.0f}".format(idle[1]))
            cells[name] = (segs, nb, idl)
        # The runbook list repaints the selected entry's text beside it;
        # htop only moves its bar. The Pods list is a list alone.
        k8s = pb.ENV.get("K8S_KUBECONFIG") and pb.ENV.get("AM_CONF")
        pods = over_ssh(pb, sshd, "amconsole", pb.am_argv(pb.ENV["AM_CONF"]),
                        pb.home_env("amsp"), n, prep=b":pods\r") if k8s else None
        pb.log("amconsole on the Pods list over ssh: %s" % (pods,))
        pods_bytes = "n/a (no Kubernetes fixture)" if not k8s else (
            "no frame" if pods is None or not pods[0] else
            "{:,.0f}".format(median([p[1] for p in pods[0]])))
    finally:
        sshd.stop()
    am = cells.pop("amconsole")
    targets = ("<= 1.1", "fewer than htop", "0")
    for i, f in enumerate(figs):
        row(f, am[i], targets[i], {p: v[i] for p, v in cells.items()})
        if i == 1:
            row("… the console on the Pods list (no text beside it), the peers as above",
                pods_bytes, "fewer than htop", {p: v[i] for p, v in cells.items()})
