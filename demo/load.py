#!/usr/bin/env python3
"""load.py - the demo's AtlasMesh "application": keeps the trouble going
on the servers demo/demo.sh started, and exports the metrics the guide's
PromQL and alert rules ask for. Python 3 standard library only.

- PostgreSQL (atlasmesh_fleet, over the wire protocol, trust auth):
  telemetry-ingest inserts telemetry and runs the app's "latest points of
  one vehicle" query, which reads the whole vehicle_telemetry table (no
  index on vehicle_id: the guide's slow query); fleet-manager holds a row
  lock on one vehicle for a while every minute and vehicle-gateway waits on
  it (the activity view's blocking tree); a leaking pool keeps idle
  connections open, some idle in transaction, so the connections gauge
  sits above 80 % of max_connections (DatabaseConnectionsHigh).
- Redis: fleet:* and vehicle:* keys, then maxmemory set just above what
  they use (allkeys-lru), then a steady stream of vehicle:*:telemetry
  writes and cache-aside state reads, so keys are evicted all the time.
- HTTP on 127.0.0.1 (--http-port): /metrics in Prometheus' text format,
  /health/SERVICE for the health strip (fleet-manager up, policy-engine
  slow, vehicle-gateway down), /ready once everything above is set up.
  The metrics are real where a real source exists -- node_* from /proc,
  pg_* from pg_stat_database, redis_* from INFO, kube_* restarts and
  container_* usage and limits from the Kubernetes fixture's pods and
  metrics.k8s.io -- and simulated for the AtlasMesh services themselves
  (http_requests_total with 5xx on vehicle-gateway, a slow p95 on
  fleet-manager).

Kafka needs nothing from here: the mock cluster's fleet-telemetry-group
commits only half of what is produced, so its lag grows by itself.

It exits on SIGTERM or SIGINT, or when the demo that started it is gone.
"""
import argparse
import collections
import http.server
import json
import math
import os
import random
import signal
import socket
import struct
import sys
import threading
import time
import urllib.error
import urllib.request

STOP = threading.Event()
LOG_LOCK = threading.Lock()


def log(*args):
    with LOG_LOCK:
        print(time.strftime("%H:%M:%S"), *args, flush=True)


# ---- PostgreSQL: the v3 wire protocol, simple queries, trust auth ------


class PGError(Exception):
    pass


class PG:
    """One connection; query() returns the rows of the last statement."""

    def __init__(self, port, db, app, timeout=30):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        params = b"".join(
            k.encode() + b"\0" + v.encode() + b"\0"
            for k, v in (("user", "postgres"), ("database", db), ("application_name", app))
        )
        body = struct.pack("!I", 196608) + params + b"\0"
        self.sock.sendall(struct.pack("!I", len(body) + 4) + body)
        self.buf = b""
        while True:
            t, payload = self._read()
            if t == b"R" and struct.unpack("!I", payload[:4])[0] != 0:
                raise PGError("authentication other than trust is not supported")
            if t == b"E":
                raise PGError(self._error(payload))
            if t == b"Z":
                return

    def _recv(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise PGError("connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _read(self):
        head = self._recv(5)
        n = struct.unpack("!I", head[1:])[0]
        return head[:1], self._recv(n - 4)

    @staticmethod
    def _error(payload):
        for field in payload.split(b"\0"):
            if field[:1] == b"M":
                return field[1:].decode(errors="replace")
        return "error"

    def send(self, sql):
        data = sql.encode() + b"\0"
        self.sock.sendall(b"Q" + struct.pack("!I", len(data) + 4) + data)

    def result(self):
        rows, err = [], None
        while True:
            t, payload = self._read()
            if t == b"T":
                rows = []
            elif t == b"D":
                ncol, pos, row = struct.unpack("!H", payload[:2])[0], 2, []
                for _ in range(ncol):
                    n = struct.unpack("!i", payload[pos:pos + 4])[0]
                    pos += 4
                    row.append(None if n < 0 else payload[pos:pos + n].decode(errors="replace"))
                    pos += max(n, 0)
                rows.append(row)
            elif t == b"E":
                err = self._error(payload)
            elif t == b"Z":
                if err:
                    raise PGError(err)
                return rows

    def query(self, sql):
        self.send(sql)
        return self.result()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ---- Redis: RESP over a socket -----------------------------------------


class Redis:
    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.f = self.sock.makefile("rb")

    @staticmethod
    def _cmd(*args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def _reply(self):
        line = self.f.readline()
        if not line:
            raise OSError("redis closed the connection")
        t, rest = line[:1], line[1:-2]
        if t in (b"+", b":"):
            return rest
        if t == b"-":
            return OSError(rest.decode(errors="replace"))
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2]
        return [self._reply() for _ in range(int(rest))]

    def pipeline(self, cmds):
        self.sock.sendall(b"".join(self._cmd(*c) for c in cmds))
        return [self._reply() for _ in cmds]

    def call(self, *args):
        r = self.pipeline([args])[0]
        if isinstance(r, Exception):
            raise r
        return r

    def info(self):
        out = {}
        for line in self.call("INFO").decode().splitlines():
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                out[k] = v
        return out


# ---- what the load keeps doing ------------------------------------------

Container = collections.namedtuple("Container", "ns pod name restarts cpu mem limit")
SUFFIXES = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 1e3, "M": 1e6,
            "G": 1e9, "T": 1e12, "m": 1e-3, "u": 1e-6, "n": 1e-9}


def quantity(q):
    """A Kubernetes quantity ("250m", "1.5Gi", "123456789n") as a float."""
    for suf in sorted(SUFFIXES, key=len, reverse=True):
        if q.endswith(suf):
            return float(q[:-len(suf)]) * SUFFIXES[suf]
    return float(q)



def vehicle_state(v):
    return json.dumps({"vin": "AMX%014d" % v, "status": "active", "battery": v % 100,
                       "firmware": "2.%d.%d" % (v % 4, v % 11), "route": "r" * 600})


class Load:
    def __init__(self, a):
        self.a = a
        self.metrics_lock = threading.Lock()
        self.pg_stats = {}
        self.redis_stats = {}
        self.pods = []  # Container rows from the Kubernetes fixture
        self.sim = Sim()
        self.ready = threading.Event()

    def pg(self, app):
        return PG(self.a.pg_port, self.a.pg_db, app)

    # -- PostgreSQL ------------------------------------------------------

    def pg_loop(self, app, what, step, every, down=None):
        """step(conn) every `every` seconds until STOP, on a connection
        opened as application `app`. On an error: log it after `what`,
        close the connection, call down() when given, and open a new one
        2 s later."""
        conn = None
        while not STOP.is_set():
            try:
                if conn is None:
                    conn = self.pg(app)
                step(conn)
            except (OSError, PGError) as e:
                log(what, e)
                if conn:
                    conn.close()
                conn = None
                if down:
                    down()
                STOP.wait(2)
                continue
            STOP.wait(every)
        if conn:
            conn.close()

    def ingest(self):
        """telemetry-ingest: new points, and the app's slow query."""
        def step(conn):
            v = random.randint(1, self.a.vehicles)
            conn.query(
                "INSERT INTO vehicle_telemetry (vehicle_id, timestamp, lat, lon, "
                "speed_kmh, battery_pct, odometer_km) SELECT 1 + (g * 13) %% %d, now(), "
                "25.2 + random() / 3, 55.3 + random() / 3, random() * 120, "
                "random() * 100, 10000 + g FROM generate_series(1, 40) g" % self.a.vehicles)
            conn.query(
                "SELECT timestamp, lat, lon, speed_kmh, battery_pct FROM vehicle_telemetry "
                "WHERE vehicle_id = %d ORDER BY timestamp DESC LIMIT 20" % v)
            conn.query("UPDATE vehicles SET last_seen = now() WHERE id = %d" % v)
            if random.random() < 0.2:
                conn.query("SELECT count(*) AS active FROM vehicles WHERE status = 'active'")

        self.pg_loop("telemetry-ingest", "ingest:", step, self.a.pg_every)

    def blocking(self):
        """fleet-manager holds a vehicle's row lock; vehicle-gateway waits."""
        holder = waiter = None
        while not STOP.is_set():
            try:
                if holder is None:
                    holder = self.pg("fleet-manager")
                    waiter = self.pg("vehicle-gateway")
                if STOP.wait(self.a.lock_every / 2):
                    break
                vid = 42
                holder.query("BEGIN; UPDATE vehicles SET status = 'maintenance' WHERE id = %d" % vid)
                STOP.wait(1)
                waiter.send("UPDATE vehicles SET status = 'active', last_seen = now() "
                            "WHERE id = %d" % vid)
                STOP.wait(self.a.lock_hold)
                holder.query("COMMIT")
                waiter.result()
            except (OSError, PGError) as e:
                log("blocking:", e)
                for c in (holder, waiter):
                    if c:
                        c.close()
                holder = waiter = None
                STOP.wait(2)
                continue
            STOP.wait(self.a.lock_every / 2)
        for c in (holder, waiter):
            if c:
                c.close()

    def leak(self):
        """A pool that never gives connections back; reopened if killed."""
        pool = []
        while not STOP.is_set():
            pool = [c for c in pool if self._alive(c)]
            try:
                while len(pool) < self.a.idle_conns:
                    c = self.pg("fleet-manager-pool")
                    if len(pool) % 4 == 0:
                        c.query("BEGIN; SELECT id, status FROM vehicles WHERE id = %d"
                                % (len(pool) + 1))
                    pool.append(c)
            except (OSError, PGError) as e:
                log("pool:", e)
            STOP.wait(5)
        for c in pool:
            c.close()

    @staticmethod
    def _alive(c):
        try:
            c.sock.setblocking(False)
            try:
                data = c.sock.recv(1, socket.MSG_PEEK)
                return data != b""
            except BlockingIOError:
                return True
            finally:
                c.sock.setblocking(True)
        except OSError:
            return False

    def pg_metrics(self):
        def step(conn):
            rows = conn.query("SELECT datname, numbackends, xact_commit, blks_hit, blks_read "
                              "FROM pg_stat_database WHERE datname IS NOT NULL")
            maxc = conn.query("SHOW max_connections")[0][0]
            with self.metrics_lock:
                self.pg_stats = {"rows": rows, "max_connections": maxc, "up": 1}

        def down():
            with self.metrics_lock:
                self.pg_stats = {"up": 0}

        self.pg_loop("metrics-exporter", "pg metrics:", step, 2, down)

    # -- Redis -----------------------------------------------------------

    def redis_fill(self):
        r = Redis(self.a.redis_port)
        r.call("CONFIG", "SET", "maxmemory", "0")
        cmds = []
        for f in range(1, 6):
            cmds.append(("HSET", "fleet:%d:summary" % f, "vehicles", self.a.vehicles // 5,
                         "active", self.a.vehicles // 10, "region", "ae"))
            cmds.append(("SET", "fleet:%d:routes" % f, "r" * 2048))
        for v in range(1, self.a.vehicles + 1):
            cmds.append(("SET", "vehicle:%d:state" % v, vehicle_state(v)))
            cmds.append(("SET", "vehicle:%d:position" % v, "25.2,55.3," + "p" * 200))
        for i in range(0, len(cmds), 1000):
            r.pipeline(cmds[i:i + 1000])
        used = int(r.info()["used_memory"])
        # Just above what is used: the next writes start evicting.
        r.call("CONFIG", "SET", "maxmemory", str(used + (256 << 10)))
        r.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
        return r

    def redis_load(self, r):
        """The vehicle gateway: telemetry written with a TTL, vehicle state
        read cache-aside (a miss is filled again), fleet summaries bumped."""
        n = 0
        while not STOP.is_set():
            try:
                if r is None:
                    r = Redis(self.a.redis_port)
                cmds = []
                for _ in range(self.a.redis_writes):
                    n += 1
                    v = random.randint(1, self.a.vehicles)
                    cmds.append(("SET", "vehicle:%d:telemetry:%d" % (v, n), "t" * 512, "EX", "900"))
                reads = [random.randint(1, self.a.vehicles) for _ in range(self.a.redis_writes)]
                cmds.extend(("GET", "vehicle:%d:state" % v) for v in reads)
                f = random.randint(1, 5)
                cmds.append(("HINCRBY", "fleet:%d:summary" % f, "updates", 1))
                cmds.append(("GET", "fleet:%d:routes" % f))
                got = r.pipeline(cmds)[self.a.redis_writes:]
                refill = [("SET", "vehicle:%d:state" % v, vehicle_state(v))
                          for v, val in zip(reads, got) if val is None]
                if got[-1] is None:
                    refill.append(("SET", "fleet:%d:routes" % f, "r" * 2048))
                if refill:
                    r.pipeline(refill)
                info = r.info()
                with self.metrics_lock:
                    self.redis_stats = info
            except OSError as e:
                log("redis:", e)
                r = None
                STOP.wait(2)
                continue
            STOP.wait(0.5)

    # -- Kubernetes fixture ------------------------------------------------

    def k8s_get(self, path, token):
        req = urllib.request.Request(self.a.k8s_url.rstrip("/") + path,
                                     headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.load(resp).get("items", [])

    def k8s(self):
        """Restart counts, usage and limits per container, as kube-state-
        metrics and cAdvisor would export them, from the fixture's API."""
        ns = self.a.k8s_namespace
        token = open(self.a.k8s_token_file).read().strip()
        while not STOP.is_set():
            try:
                pods = self.k8s_get("/api/v1/namespaces/%s/pods" % ns, token)
                try:
                    usage = self.k8s_get("/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods" % ns,
                                         token)
                except urllib.error.HTTPError:
                    usage = []
                used = {}
                for pm in usage:
                    for c in pm.get("containers") or []:
                        u = c.get("usage", {})
                        used[(pm["metadata"]["name"], c.get("name"))] = (
                            quantity(u.get("cpu", "0")), quantity(u.get("memory", "0")))
                rows = []
                for p in pods:
                    md, spec, st = p.get("metadata", {}), p.get("spec", {}), p.get("status", {})
                    restarts = {cs.get("name"): int(cs.get("restartCount", 0))
                                for cs in st.get("containerStatuses") or []}
                    for c in spec.get("containers") or []:
                        name = c.get("name", "")
                        limit = c.get("resources", {}).get("limits", {}).get("memory")
                        cpu, mem = used.get((md.get("name"), name), (None, None))
                        rows.append(Container(md.get("namespace", ns), md.get("name", ""), name,
                                              restarts.get(name, 0), cpu, mem,
                                              quantity(limit) if limit else None))
                with self.metrics_lock:
                    self.pods = rows
            except (OSError, ValueError, KeyError) as e:
                log("k8s:", e)
            STOP.wait(5)

    # -- start everything --------------------------------------------------

    def start(self):
        r = self.redis_fill()
        threads = [
            ("ingest", self.ingest),
            ("blocking", self.blocking),
            ("leak", self.leak),
            ("pg-metrics", self.pg_metrics),
            ("redis", lambda: self.redis_load(r)),
        ]
        if self.a.k8s_url:
            threads.append(("k8s", self.k8s))
        for name, fn in threads:
            threading.Thread(target=fn, name=name, daemon=True).start()
        self.ready.set()


# ---- simulated AtlasMesh service metrics --------------------------------

# service: (requests/s, 5xx fraction, cumulative latency buckets)
SERVICES = {
    "fleet-manager": (40.0, 0.01, [0.30, 0.50, 0.70, 0.80, 0.86, 0.90, 0.99, 1.0]),
    "vehicle-gateway": (120.0, 0.09, [0.60, 0.85, 0.95, 0.98, 0.99, 1.0, 1.0, 1.0]),
    "policy-engine": (15.0, 0.002, [0.80, 0.95, 0.99, 1.0, 1.0, 1.0, 1.0, 1.0]),
    "telemetry-ingest": (80.0, 0.004, [0.70, 0.90, 0.98, 0.99, 1.0, 1.0, 1.0, 1.0]),
}
BUCKETS = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]


class Sim:
    """Counters that grow at a rate that drifts slowly, like real traffic."""

    def __init__(self):
        self.t0 = self.last = time.time()
        self.req = {s: [0.0, 0.0] for s in SERVICES}  # ok, errors
        self.cpu = {}
        self.lock = threading.Lock()

    def advance(self, containers):
        """Move the counters on to now; CPU seconds grow at each
        container's measured usage (cores)."""
        with self.lock:
            now = time.time()
            dt, self.last = now - self.last, now
            wave = 1 + 0.3 * math.sin((now - self.t0) / 45.0)
            for s, (rate, err, _) in SERVICES.items():
                n = rate * wave * dt
                self.req[s][0] += n * (1 - err)
                self.req[s][1] += n * err
            for c in containers:
                if c.cpu is not None:
                    key = (c.ns, c.pod, c.name)
                    self.cpu[key] = self.cpu.get(key, 0.0) + dt * c.cpu
            return {s: list(v) for s, v in self.req.items()}, dict(self.cpu)


def metrics_text(load):
    out = []

    def family(name, type_, help_):
        out.append("# HELP %s %s" % (name, help_))
        out.append("# TYPE %s %s" % (name, type_))

    def m(name, value, labels=None):
        lab = ""
        if labels:
            lab = "{" + ",".join('%s="%s"' % (k, str(v).replace('"', "'"))
                                 for k, v in labels.items()) + "}"
        out.append("%s%s %s" % (name, lab, value))

    with load.metrics_lock:
        pg, rs, pods = dict(load.pg_stats), dict(load.redis_stats), list(load.pods)
    req, cpu = load.sim.advance(pods)

    family("http_requests_total", "counter", "AtlasMesh service HTTP requests (simulated).")
    for s, (ok, errs) in req.items():
        m("http_requests_total", int(ok), {"service": s, "status": "200"})
        m("http_requests_total", int(errs),
          {"service": s, "status": "503" if s == "vehicle-gateway" else "500"})
    family("http_request_duration_seconds", "histogram",
           "AtlasMesh service latency (simulated).")
    for s, (_, _, cum) in SERVICES.items():
        total = sum(req[s])
        for le, frac in zip(BUCKETS, cum):
            m("http_request_duration_seconds_bucket", int(total * frac), {"service": s, "le": le})
        m("http_request_duration_seconds_sum", "%.1f" % (total * 0.4), {"service": s})
        m("http_request_duration_seconds_count", int(total), {"service": s})

    if pods:
        family("kube_pod_container_status_restarts_total", "counter",
               "Container restarts (from the Kubernetes API).")
        for c in pods:
            m("kube_pod_container_status_restarts_total", c.restarts,
              {"namespace": c.ns, "pod": c.pod, "container": c.name})
        family("container_cpu_usage_seconds_total", "counter",
               "Container CPU seconds, at the rate metrics.k8s.io reports.")
        for (ns, pod, name), v in sorted(cpu.items()):
            m("container_cpu_usage_seconds_total", "%.3f" % v,
              {"namespace": ns, "pod": pod, "container": name})
        family("container_memory_usage_bytes", "gauge", "Container memory (metrics.k8s.io).")
        for c in pods:
            if c.mem is not None:
                m("container_memory_usage_bytes", int(c.mem),
                  {"namespace": c.ns, "pod": c.pod, "container": c.name})
        family("container_spec_memory_limit_bytes", "gauge", "Container memory limit (spec).")
        for c in pods:
            if c.limit is not None:
                m("container_spec_memory_limit_bytes", int(c.limit),
                  {"namespace": c.ns, "pod": c.pod, "container": c.name})

    family("pg_up", "gauge", "PostgreSQL answered the exporter's last query.")
    m("pg_up", pg.get("up", 0))
    if pg.get("up"):
        family("pg_settings_max_connections", "gauge", "max_connections of the server.")
        m("pg_settings_max_connections", pg["max_connections"])
        family("pg_stat_database_numbackends", "gauge", "Backends connected to the database.")
        for row in pg["rows"]:
            m("pg_stat_database_numbackends", row[1], {"datname": row[0]})
        family("pg_stat_database_xact_commit", "counter", "Transactions committed.")
        for row in pg["rows"]:
            m("pg_stat_database_xact_commit", row[2], {"datname": row[0]})
    if rs:
        for name, key, type_, help_ in (
                ("redis_memory_used_bytes", "used_memory", "gauge", "Redis used_memory."),
                ("redis_memory_max_bytes", "maxmemory", "gauge", "Redis maxmemory."),
                ("redis_evicted_keys_total", "evicted_keys", "counter", "Keys evicted."),
                ("redis_keyspace_hits_total", "keyspace_hits", "counter", "Key hits."),
                ("redis_keyspace_misses_total", "keyspace_misses", "counter", "Key misses.")):
            family(name, type_, help_)
            m(name, rs.get(key, 0))
    out.extend(node_metrics(load.a.dir))
    return "\n".join(out) + "\n"


def node_metrics(path):
    """A few node_exporter series, read from this machine."""
    out = ["# TYPE node_cpu_seconds_total counter"]
    hz = os.sysconf("SC_CLK_TCK")
    modes = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]
    with open("/proc/stat") as f:
        for line in f:
            parts = line.split()
            if parts[0].startswith("cpu") and parts[0] != "cpu":
                for mode, v in zip(modes, parts[1:]):
                    out.append('node_cpu_seconds_total{cpu="%s",mode="%s"} %.2f'
                               % (parts[0][3:], mode, int(v) / hz))
    mem = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, v = line.split(":", 1)
            mem[k] = int(v.split()[0]) * 1024
    out.append("node_memory_MemTotal_bytes %d" % mem.get("MemTotal", 0))
    out.append("node_memory_MemAvailable_bytes %d" % mem.get("MemAvailable", 0))
    st = os.statvfs(path)
    fs = '{mountpoint="/tmp",fstype="tmpfs"}'
    out.append("node_filesystem_avail_bytes%s %d" % (fs, st.f_bavail * st.f_frsize))
    out.append("node_filesystem_size_bytes%s %d" % (fs, st.f_blocks * st.f_frsize))
    with open("/proc/net/dev") as f:
        for line in f.readlines()[2:]:
            dev, rest = line.split(":", 1)
            v = rest.split()
            out.append('node_network_receive_bytes_total{device="%s"} %s' % (dev.strip(), v[0]))
            out.append('node_network_transmit_bytes_total{device="%s"} %s' % (dev.strip(), v[8]))
    return out


# service: (HTTP status, delay seconds, body) for /health/SERVICE
HEALTH = {
    "fleet-manager": (200, 0.0, "ok"),
    "policy-engine": (200, 1.3, "ok (slow: waiting on the policy cache)"),
    "vehicle-gateway": (503, 0.0, "unhealthy: 9% of requests failing (upstream timeouts)"),
    "telemetry-ingest": (200, 0.0, "ok"),
}


def serve(load, port):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def reply(self, code, body, ctype="text/plain; charset=utf-8"):
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:
                pass

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                return self.reply(200, metrics_text(load), "text/plain; version=0.0.4")
            if path == "/ready":
                return self.reply(200 if load.ready.is_set() else 503, "ready\n")
            if path.startswith("/health/") and path[8:] in HEALTH:
                code, delay, body = HEALTH[path[8:]]
                STOP.wait(delay)
                return self.reply(code, body + "\n")
            return self.reply(404, "not found\n")

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, name="http", daemon=True).start()
    return srv


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dir", required=True, help="the demo's directory")
    p.add_argument("--pg-port", type=int, required=True)
    p.add_argument("--pg-db", default="atlasmesh_fleet")
    p.add_argument("--vehicles", type=int, default=2000)
    p.add_argument("--pg-every", type=float, default=0.4, help="seconds between slow queries")
    p.add_argument("--lock-hold", type=float, default=7, help="seconds a row lock is held")
    p.add_argument("--lock-every", type=float, default=60, help="seconds between row locks")
    p.add_argument("--idle-conns", type=int, default=13, help="connections the pool leaks")
    p.add_argument("--redis-port", type=int, required=True)
    p.add_argument("--redis-writes", type=int, default=30,
                   help="telemetry writes (and state reads) every half second")
    p.add_argument("--http-port", type=int, required=True)
    p.add_argument("--k8s-url", default="")
    p.add_argument("--k8s-token-file", default="")
    p.add_argument("--k8s-namespace", default="atlasmesh-prod")
    p.add_argument("--parent", type=int, default=0, help="exit when this pid is gone")
    a = p.parse_args()

    # The handler only sets a flag: Event.set() from a signal handler can
    # deadlock on the lock the interrupted main thread holds in wait().
    signalled = []
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda n, _: signalled.append(n))
    load = Load(a)
    srv = serve(load, a.http_port)
    try:
        load.start()
    except (OSError, PGError) as e:
        sys.exit("load.py: cannot set up the load: %s" % e)
    log("load running")
    while not signalled:
        if a.parent and not os.path.exists("/proc/%d" % a.parent):
            log("the demo is gone; stopping")
            break
        time.sleep(0.5)
    STOP.set()
    srv.shutdown()


if __name__ == "__main__":
    main()
