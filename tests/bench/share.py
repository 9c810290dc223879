"""
share.py - what a war room and a recording cost (#18, #19), for
ptybench.py (BENCH_ONLY=share), which passes itself in as `pb` and a
row(figure, ours, target, peers) callback. Figures only; nothing is
asserted.

Every panel live (the bench's servers), three consoles side by side in
their own ptys at 120x40: a plain one (the baseline), a presenter
(`--present bench --record FILE`, the war room on the bench's Redis, db
9) and a follower (`--follow bench`, no source of its own).

  recording        FILE's growth over the window, per minute, and the
                   number of events (lines) it holds per minute
  engine           the messages the presenter published per minute (its
                   recording's lines: the same stream) and their mean size
                   on the wire, as the recording holds them; Redis stores
                   each once more in the capped stream, so its input is
                   about twice that
  CPU              the presenter's and the baseline's utime+stime over the
                   window, % of a core (the difference is what encoding,
                   sealing and sending cost)
  follower delay   the presenter focuses the Cache and the Alerts panel in
                   turn (`:cache`, `:alerts`); from the key to the moment
                   the follower's output shows that panel's key bar
"""
import os

SECRET = "bench-room-secret-0123456789abcdef"


def write_conf(pb, base, extra, name):
    path = os.path.join(pb.T, name)
    with open(base or os.devnull) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text + extra)
    return path


def delays(pb, presenter, follower, samples):
    """ms from the presenter's focus key to the follower showing it."""
    pairs = [(b":cache\r", b"MemKeys"), (b":alerts\r", b"Silences")]
    out = []
    for i in range(samples):
        key, expect = pairs[i % 2]
        pb.wait_quiet(follower, 0.05)
        follower.mark()
        t0 = pb.now()
        presenter.send(key)
        end = t0 + 2.0
        got = None
        while pb.now() < end and not follower.dead:
            pb.pump([presenter, follower], 0.01)
            if expect in pb.strip(follower.watch):
                got = follower.last
                break
        out.append((got - t0) * 1000 if got else None)
    return out


def share_rows(pb, row):
    rport = pb.ENV.get("RPORT")
    if not rport:
        row("war room and recording", "n/a (no Redis)", "-", {})
        return
    secret = os.path.join(pb.T, "room.secret")
    with open(secret, "w") as f:
        f.write(SECRET + "\n")
    os.chmod(secret, 0o600)
    room = "warroom:\n  redis: \"redis://127.0.0.1:%s/9\"\n  secret_file: \"%s\"\n" % (rport,
                                                                                    secret)
    pconf = write_conf(pb, pb.ENV.get("AM_CONF"), room + "  name: alice\n", "presenter.yaml")
    fconf = write_conf(pb, None, room + "  name: bob\n", "follower.yaml")
    rec = os.path.join(pb.T, "bench.rec")
    base = pb.Term("amconsole", pb.am_argv(pb.ENV.get("AM_CONF")), pb.home_env("share-base"))
    pres = pb.Term("amconsole", pb.am_argv(pconf) + ["--present", "bench", "--record", rec],
                   pb.home_env("share-pres"))
    fol = pb.Term("amconsole", pb.am_argv(fconf) + ["--follow", "bench"],
                  pb.home_env("share-fol"))
    terms = [base, pres, fol]
    pb.pump_until(terms, pb.now() + pb.WARMUP)
    size0 = os.path.getsize(rec) if os.path.exists(rec) else 0
    with open(rec, "rb") as f:
        lines0 = sum(1 for _ in f)
    c0 = {t: t.stat()[2] for t in terms}
    t0 = pb.now()
    pb.pump_until(terms, t0 + pb.WINDOW)
    el = pb.now() - t0
    c1 = {t: t.stat()[2] for t in terms}
    size1 = os.path.getsize(rec)
    with open(rec, "rb") as f:
        lines1 = sum(1 for _ in f)
    cpu = {t: (c1[t] - c0[t]) / pb.CLK / el * 100 if c0[t] is not None and c1[t] is not None
           else None for t in terms}
    n = lines1 - lines0
    per_min = 60.0 / el
    pb.log("share: %d events, %d bytes in %.0f s; cpu base %s, presenter %s, follower %s" % (
        n, size1 - size0, el, cpu[base], cpu[pres], cpu[fol]))
    row("recording, every panel live", "%s bytes/min (%.0f events/min)" % (
        pb.nbytes((size1 - size0) * per_min), n * per_min), "-", {})
    row("war room: messages from the presenter", "%.0f/min, %s bytes each (mean)" % (
        n * per_min, pb.nbytes((size1 - size0) / n if n else 0)), "-", {})
    row("CPU over %.0f s: presenter (+ recording) / plain console / follower" % el,
        "%s / %s / %s" % (pb.cpu(cpu[pres]), pb.cpu(cpu[base]), pb.cpu(cpu[fol])), "-", {})
    ds = delays(pb, pres, fol, 10 if pb.QUICK else 40)
    row("war room: follower delay (focus change)", pb.lat_summary(ds), "<= 2 s", {})
    for t in terms:
        t.stop()
