#!/usr/bin/env python3
# k8s_fixture.py - a Kubernetes API server for the tests and the demo,
# since no real one can be installed here. Python 3 standard library only.
#
# It serves pods (list with limit/continue, watch with bookmarks and 410
# Gone, the meta.k8s.io Table format or a PodList), pod logs (current and
# previous, follow), events, pod metrics (metrics.k8s.io), pod delete
# (Terminating, then gone), the apps/v1 workloads that own the pods (get,
# patch for rollout restart, the scale subresource), SelfSubjectAccess
# Reviews, discovery, /readyz and /version, with JSON shaped like the real
# API server's and Status objects for errors. Bearer token auth on the
# plain port; on the TLS port a client certificate signed by the test CA
# authenticates as its CN (else the token). /_fixture/* (plain port only,
# no auth) lets a test add, modify and delete pods, compact the watch
# history, inject faults (hang, garbage, huge, 500, 401), deny verbs, and
# read the requests it received.
#
#   python3 tests/k8s_fixture.py --dir DIR --port P --token TOKEN
#       [--tls-port P2 --ca-cert F --cert F --key F]
#       [--pods FILE]... [--generate N] [--namespace NS] [--no-metrics]
#       [--format table|list] [--churn SECONDS] [--controller]
#
# Port 0 picks a free port; DIR/ready (written once listening) holds
# "port=P", "tls_port=P2" and "pid=N" lines. Logs to DIR/fixture.log.
# Pod files hold {"items": [{"pod": Pod, "kubectl": {"status", "ready",
# "restarts"}}]}: "kubectl" is what `kubectl get pods` shows for the pod
# and fills the Table's STATUS and READY cells (this server has no pod
# printer of its own). A file with a top-level "now" has its timestamps
# shifted so that "now" is the server's start time; it may also carry
# "logs", "events", "metrics" and "replicas" (see atlasmesh.json).
#
# Control endpoints (plain port, GET or POST, no auth; JSON answers):
#   /_fixture/add                  body: a Pod, or {"pod": Pod, "kubectl": {...}}
#                                  (without "kubectl": Running n/n when all ready,
#                                  else status.reason or the phase) -> ADDED
#   /_fixture/modify[?merge=1&ns=&name=]  the same (merge=1: body is a merge
#                                  patch on the stored pod) -> MODIFIED
#   /_fixture/delete?ns=&name=     gone at once -> DELETED
#   /_fixture/expire[?how=close|error]  compact the watch history: every
#                                  resourceVersion handed out so far is too old
#                                  (410 on resume); open pod watches end (how=
#                                  error: with the ERROR 410 event first)
#   /_fixture/close-watches        end open pod watches (clients resume)
#   /_fixture/mode?m=ok|hang|garbage|huge|500|401   every API path; hang also
#                                  stalls open watches, other faults close them
#   /_fixture/deny?verb=&resource=[&ns=][&user=]    403 and allowed:false
#                                  (resource may be "pods/exec",
#                                  "deployments/scale"; "*" matches all)
#   /_fixture/allow[?verb=&resource=]               drop one rule, or all
#   /_fixture/format?f=table|list  list: PodLists only (406 when only a Table
#                                  is acceptable, as a server without Tables)
#   /_fixture/metrics?m=on|off     the metrics.k8s.io API
#   /_fixture/token?t=NEW          rotate the bearer token (DIR/token follows,
#                                  for the exec plugin)
#   /_fixture/log?ns=&pod=&container=   body lines appended to the current log
#   /_fixture/requests[?clear=1]   [{method, path, query, body, user,
#                                  content_type, time}] of non-GET API requests
#   /_fixture/stats                {"lists", "watches", "watching", "gets",
#                                  "deletes", "patches", "reviews", "logs",
#                                  "table", "gzip", "bookmarks", "gone",
#                                  "unauthorized", "forbidden", "users", ...}
#   /_fixture/pods                 [{namespace, name, uid, kubectl, deleting}]
# Deletes are graceful (deletionTimestamp, STATUS Terminating, MODIFIED,
# then DELETED after --delete-seconds) except for unscheduled and finished
# pods, as the real API server. With --controller (on with --churn) the
# fixture also acts as the ReplicaSet/StatefulSet controllers: deleted pods
# are replaced, scale adds or removes pods, a rollout restart replaces them.

import argparse
import base64
import bisect
import copy
import datetime
import gzip
import hashlib
import json
import math
import os
import random
import re
import signal
import socket
import ssl
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PODS = os.path.join(HERE, "fixtures", "k8s", "atlasmesh.json")
TABLE_V1 = "application/json;as=Table;v=v1;g=meta.k8s.io"
TABLE_V1BETA1 = "application/json;as=Table;v=v1beta1;g=meta.k8s.io"
HISTORY_MAX = 20000
DEFAULT_NS = "atlasmesh-prod"
TOKEN_USER = "system:serviceaccount:atlasmesh-prod:fleet-operator"
VERSION = {
    "major": "1",
    "minor": "31",
    "gitVersion": "v1.31.4",
    "gitCommit": "a78aa47129b8539636eb86a9d00e31b2720fe06b",
    "gitTreeState": "clean",
    "buildDate": "2024-12-10T18:38:41Z",
    "goVersion": "go1.22.9",
    "compiler": "gc",
    "platform": "linux/amd64",
}

# The pod printer's columns, as the API server sends them.
POD_COLUMNS = [
    ("Name", "name", 0, "Name must be unique within a namespace. Is required when creating resources, "
     "although some resources may allow a client to request the generation of an appropriate name "
     "automatically. Name is primarily intended for creation idempotence and configuration definition. "
     "Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"),
    ("Ready", "", 0, "The aggregate readiness state of this pod for accepting traffic."),
    ("Status", "", 0, "The aggregate status of the containers in this pod."),
    ("Restarts", "", 0, "The number of times the containers in this pod have been restarted and when the "
     "last container in this pod has restarted."),
    ("Age", "", 0, "CreationTimestamp is a timestamp representing the server time when this object was "
     "created. It is not guaranteed to be set in happens-before order across separate operations. Clients "
     "may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. "
     "Read-only. Null for lists. More info: "
     "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"),
    ("IP", "", 1, "podIP address allocated to the pod. Routable at least within the cluster. Empty if not "
     "yet allocated."),
    ("Node", "", 1, "NodeName indicates in which node this pod is scheduled. If empty, this pod is a "
     "candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the "
     "kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be "
     "used to express a desire for the pod to be scheduled on a specific node. "
     "https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename"),
    ("Nominated Node", "", 1, "nominatedNodeName is set only when this pod preempts other pods on the "
     "node, but it cannot be scheduled right away as preemption victims receive their graceful "
     "termination periods. This field does not guarantee that the pod will be scheduled on this node. "
     "Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler "
     "may also decide to give the resources on this node to a higher priority pod that is created after "
     "preemption. As a result, this field may be different than PodSpec.nodeName when the pod is "
     "scheduled."),
    ("Readiness Gates", "", 1, "If specified, all readiness gates will be evaluated for pod readiness. A "
     "pod is ready when all its containers are ready AND all conditions specified in the readiness gates "
     "have status equal to \"True\" More info: "
     "https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates"),
]
COLUMN_DEFS = [{"name": n, "type": "string", "format": f, "description": d, "priority": p}
               for n, f, p, d in POD_COLUMNS]

TIME_KEYS = {"creationTimestamp", "deletionTimestamp", "startedAt", "finishedAt", "lastTransitionTime",
             "lastProbeTime", "startTime", "firstTimestamp", "lastTimestamp", "lastUpdateTime", "timestamp"}
LOG_TS = re.compile(r"(\d{4}-\d{2}-\d{2})([T ])(\d{2}:\d{2}:\d{2})(\.\d+)?(Z| UTC)")
SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789"  # what the API server's generateName uses


# ---------------------------------------------------------------- helpers

def now_ts(t=None):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if t is None else t))


def parse_ts(s):
    if not s:
        return None
    try:
        s = s.replace("Z", "+00:00")
        return datetime.datetime.fromisoformat(s).timestamp()
    except ValueError:
        return None


def human_duration(d):
    """k8s.io/apimachinery/pkg/util/duration.HumanDuration."""
    def two(big, bu, small, su):
        # "5m", or "5m30s" when the smaller unit is not zero
        return "%d%s" % (big, bu) if small == 0 else "%d%s%d%s" % (big, bu, small, su)

    seconds = int(d)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return "%ds" % seconds
    minutes = int(d / 60)
    if minutes < 10:
        return two(minutes, "m", seconds % 60, "s")
    if minutes < 60 * 3:
        return "%dm" % minutes
    hours = int(d / 3600)
    if hours < 8:
        return two(hours, "h", minutes % 60, "m")
    if hours < 48:
        return "%dh" % hours
    if hours < 24 * 8:
        return two(hours // 24, "d", hours % 24, "h")
    if hours < 24 * 365 * 2:
        return "%dd" % (hours // 24)
    if hours < 24 * 365 * 8:
        return two(hours // 24 // 365, "y", (hours // 24) % 365, "d")
    return "%dy" % (hours // 24 // 365)


def since(ts):
    t = parse_ts(ts)
    if t is None:
        return "<unknown>"
    return human_duration(time.time() - t)


def status_obj(code, reason, message, details=None, extra_meta=None):
    s = {"kind": "Status", "apiVersion": "v1", "metadata": extra_meta or {}, "status": "Failure",
         "message": message, "reason": reason}
    if details:
        s["details"] = details
    s["code"] = code
    return s


class ApiError(Exception):
    def __init__(self, code, reason, message, details=None, meta=None):
        Exception.__init__(self, message)
        self.status = status_obj(code, reason, message, details, meta)
        self.code = code


def not_found(kind, name, group=""):
    res = kind + ("." + group if group else "")
    return ApiError(404, "NotFound", '%s "%s" not found' % (res, name), {"name": name, "group": group,
                                                                       "kind": kind} if group else
                    {"name": name, "kind": kind})


def bad_request(msg):
    return ApiError(400, "BadRequest", msg)


def stable_uid(*parts):
    h = hashlib.sha1("/".join(parts).encode()).hexdigest()
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:32])


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch (strategic merge patches are applied the
    same way: enough for annotations, labels and replicas)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(target, dict):
        target = {}
    out = dict(target)
    for k, v in patch.items():
        if k.startswith("$"):
            continue
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def json_patch(doc, ops):
    """RFC 6902 JSON patch: add, replace, remove, test."""
    doc = copy.deepcopy(doc)
    for op in ops:
        path = [p.replace("~1", "/").replace("~0", "~") for p in op.get("path", "").split("/")[1:]]
        if not path:
            raise bad_request("json patch: empty path")
        parent = doc
        for p in path[:-1]:
            parent = parent[int(p)] if isinstance(parent, list) else parent.setdefault(p, {})
        last = path[-1]
        kind = op.get("op")
        if kind in ("add", "replace"):
            if isinstance(parent, list):
                if last == "-":
                    parent.append(op.get("value"))
                elif kind == "add":
                    parent.insert(int(last), op.get("value"))
                else:
                    parent[int(last)] = op.get("value")
            else:
                if kind == "replace" and last not in parent:
                    raise ApiError(422, "Invalid", "the server rejected our request due to an error in our "
                                   "request: replace operation does not apply: doc is missing key: /" +
                                   "/".join(path))
                parent[last] = op.get("value")
        elif kind == "remove":
            if isinstance(parent, list):
                del parent[int(last)]
            elif last in parent:
                del parent[last]
            else:
                raise ApiError(422, "Invalid", "the server rejected our request due to an error in our "
                               "request: remove operation does not apply: doc is missing path: /" +
                               "/".join(path))
        elif kind == "test":
            cur = parent[int(last)] if isinstance(parent, list) else parent.get(last)
            if cur != op.get("value"):
                raise ApiError(422, "Invalid", "the server rejected our request due to an error in our "
                               "request: testing value /" + "/".join(path) + " failed")
        else:
            raise bad_request("json patch: unsupported operation %r" % kind)
    return doc


# ------------------------------------------------------------- selectors

def split_selector(s):
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def label_matcher(sel):
    if not sel:
        return None
    reqs = []
    for term in split_selector(sel):
        m = re.match(r"^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$", term)
        if m:
            vals = {v.strip() for v in m.group(3).split(",")}
            reqs.append((m.group(1), m.group(2), vals))
            continue
        m = re.match(r"^([^\s!=]+)\s*(==|!=|=)\s*([^\s]*)$", term)
        if m:
            reqs.append((m.group(1), "!=" if m.group(2) == "!=" else "=", m.group(3)))
            continue
        if term.startswith("!"):
            reqs.append((term[1:].strip(), "!exists", None))
            continue
        if re.match(r"^[A-Za-z0-9./_-]+$", term):
            reqs.append((term, "exists", None))
            continue
        raise bad_request("unable to parse requirement: %s" % term)

    def match(labels):
        labels = labels or {}
        for key, op, val in reqs:
            have = labels.get(key)
            if op == "=" and have != val:
                return False
            if op == "!=" and have == val:
                return False
            if op == "in" and have not in val:
                return False
            if op == "notin" and have in val:
                return False
            if op == "exists" and key not in labels:
                return False
            if op == "!exists" and key in labels:
                return False
        return True
    return match


POD_FIELDS = {
    "metadata.name": lambda p: p["metadata"].get("name", ""),
    "metadata.namespace": lambda p: p["metadata"].get("namespace", ""),
    "spec.nodeName": lambda p: p.get("spec", {}).get("nodeName", ""),
    "spec.restartPolicy": lambda p: p.get("spec", {}).get("restartPolicy", ""),
    "spec.schedulerName": lambda p: p.get("spec", {}).get("schedulerName", ""),
    "spec.serviceAccountName": lambda p: p.get("spec", {}).get("serviceAccountName", ""),
    "status.phase": lambda p: p.get("status", {}).get("phase", ""),
    "status.podIP": lambda p: p.get("status", {}).get("podIP", ""),
    "status.nominatedNodeName": lambda p: p.get("status", {}).get("nominatedNodeName", ""),
}


def _dig(obj, path):
    for part in path.split("."):
        if not isinstance(obj, dict):
            return ""
        obj = obj.get(part)
    return "" if obj is None else str(obj)


EVENT_FIELDS = {k: (lambda p, k=k: _dig(p, k)) for k in (
    "metadata.name", "metadata.namespace", "involvedObject.kind", "involvedObject.namespace",
    "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
    "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent",
    "source", "type")}
GENERIC_FIELDS = {"metadata.name": lambda o: o["metadata"].get("name", ""),
                  "metadata.namespace": lambda o: o["metadata"].get("namespace", "")}


def field_matcher(sel, fields):
    if not sel:
        return None
    reqs = []
    for term in split_selector(sel):
        m = re.match(r"^([^\s!=]+)\s*(==|!=|=)\s*(.*)$", term)
        if not m:
            raise bad_request("invalid selector: '%s'; can't understand '%s'" % (sel, term))
        key, op, val = m.group(1), m.group(2), m.group(3)
        if key not in fields:
            raise bad_request('"%s" is not a known field selector: only "%s"' % (
                key, '", "'.join(sorted(fields))))
        reqs.append((fields[key], op != "!=", val))

    def match(obj):
        for get, eq, val in reqs:
            if (get(obj) == val) != eq:
                return False
        return True
    return match


# ---------------------------------------------------------- pod helpers

def derive_kubectl(pod):
    """What kubectl shows, for pods added without a recorded "kubectl":
    only the trivial cases (Terminating, Running and all ready); otherwise
    status.reason or the phase."""
    spec, st = pod.get("spec", {}), pod.get("status", {})
    cs = st.get("containerStatuses") or []
    n = len(spec.get("containers") or [])
    ready = sum(1 for c in cs if c.get("ready") and "running" in (c.get("state") or {}))
    restarts = sum(int(c.get("restartCount") or 0) for c in cs)
    phase = st.get("phase") or ""
    if pod["metadata"].get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        status = "Unknown" if st.get("reason") == "NodeLost" else "Terminating"
    elif phase == "Running" and n and ready == n and not st.get("reason"):
        status = "Running"
    else:
        status = st.get("reason") or phase
    return {"status": status, "ready": "%d/%d" % (ready, n), "restarts": restarts}


def last_restart(pod, status):
    """The printer's lastRestartDate: the newest lastState.terminated.
    finishedAt over the init containers while initializing, else over the
    containers (and restartable init containers)."""
    st = pod.get("status", {})
    restartable = {c.get("name") for c in pod.get("spec", {}).get("initContainers") or []
                   if c.get("restartPolicy") == "Always"}
    best = None
    if status.startswith("Init:"):
        sources = st.get("initContainerStatuses") or []
    else:
        sources = [c for c in st.get("initContainerStatuses") or [] if c.get("name") in restartable]
        sources += st.get("containerStatuses") or []
    for c in sources:
        term = (c.get("lastState") or {}).get("terminated")
        if term:
            t = parse_ts(term.get("finishedAt"))
            if t is not None and (best is None or t > best):
                best = t
    return best


def pod_cells(entry):
    pod, kub = entry["pod"], entry["kubectl"]
    meta, spec, st = pod["metadata"], pod.get("spec", {}), pod.get("status", {})
    restarts = int(kub.get("restarts") or 0)
    cell = str(restarts)
    lr = last_restart(pod, kub.get("status", ""))
    if restarts and lr is not None:
        cell = "%d (%s ago)" % (restarts, human_duration(time.time() - lr))
    ips = st.get("podIPs") or []
    ip = (ips[0].get("ip") if ips else "") or "<none>"
    gates = "<none>"
    rg = spec.get("readinessGates") or []
    if rg:
        conds = {c.get("type"): c.get("status") for c in st.get("conditions") or []}
        gates = "%d/%d" % (sum(1 for g in rg if conds.get(g.get("conditionType")) == "True"), len(rg))
    return [meta.get("name", ""), kub.get("ready", ""), kub.get("status", ""), cell,
            since(meta.get("creationTimestamp")), ip, spec.get("nodeName") or "<none>",
            st.get("nominatedNodeName") or "<none>", gates]


def table_row(entry, include, group_version):
    pod = entry["pod"]
    row = {"cells": pod_cells(entry)}
    phase = pod.get("status", {}).get("phase")
    if phase == "Succeeded":
        row["conditions"] = [{"type": "Completed", "status": "True", "reason": "Succeeded",
                              "message": "The pod has completed successfully."}]
    elif phase == "Failed":
        row["conditions"] = [{"type": "Completed", "status": "True", "reason": "Failed",
                              "message": "The pod failed."}]
    if include == "None":
        row["object"] = None
    elif include == "Object":
        row["object"] = with_kind(pod, "Pod", "v1")
    else:
        row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": group_version,
                         "metadata": pod["metadata"]}
    return row


def with_kind(obj, kind, api_version):
    out = {"kind": kind, "apiVersion": api_version}
    out.update((k, v) for k, v in obj.items() if k not in ("kind", "apiVersion"))
    return out


def no_kind(obj):
    return {k: v for k, v in obj.items() if k not in ("kind", "apiVersion")}


# ------------------------------------------------------- generated logs

def log_line(image, cname, t, rng, first=False, last=False):
    """One log line in the style of the container's image."""
    tstr = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)
    if "postgres" in image:
        return "%s UTC [%d] LOG:  duration: %.3f ms  statement: SELECT 1" % (
            tstr.replace("T", " ").rstrip("Z"), rng.randint(1000, 99999), rng.uniform(0.1, 3.0))
    if "redis" in image:
        return "1:M %s * %d changes in 60 seconds. Saving..." % (
            time.strftime("%d %b %Y %H:%M:%S", time.gmtime(t)) + ".%03d" % int((t % 1) * 1000),
            rng.randint(100, 20000))
    if "kafka" in image:
        return ("[%s] INFO [LocalLog partition=vehicle-telemetry-%d, dir=/var/lib/kafka/data] Rolled new log "
                "segment at offset %d (kafka.log.LocalLog)" % (tstr.replace("T", " ").rstrip("Z").replace(".", ","),
                                                                rng.randint(0, 11), rng.randint(10 ** 6, 10 ** 8)))
    if first:
        msg, level = "%s starting" % cname, "info"
    elif last:
        msg, level = "fatal error, exiting with status 1", "fatal"
    else:
        path = rng.choice(["/health", "/api/v1/vehicles", "/api/v1/fleet/status", "/metrics",
                           "/api/v1/telemetry/batch"])
        code = rng.choice([200] * 18 + [404, 503])
        msg = "http request method=GET path=%s status=%d duration=%dms" % (path, code, rng.randint(1, 90))
        level = "info" if code == 200 else "warn"
    return json.dumps({"ts": tstr, "level": level, "service": cname, "msg": msg}, separators=(",", ":"))


def container_image(pod, cname):
    for c in (pod.get("spec", {}).get("containers") or []) + (pod.get("spec", {}).get("initContainers") or []):
        if c.get("name") == cname:
            return c.get("image", "")
    return ""


def gen_log_lines(pod, cname, previous):
    """Plausible log lines for a container without stored logs."""
    name = pod["metadata"]["name"]
    seed = int(hashlib.md5(("%s/%s/%d" % (name, cname, previous)).encode()).hexdigest()[:8], 16)
    rng = random.Random(seed)
    st = None
    for c in (pod.get("status", {}).get("containerStatuses") or []) + \
            (pod.get("status", {}).get("initContainerStatuses") or []):
        if c.get("name") == cname:
            st = c
    end = time.time()
    start = end - 600
    if st:
        state = (st.get("lastState") if previous else st.get("state")) or {}
        inner = state.get("running") or state.get("terminated") or {}
        start = parse_ts(inner.get("startedAt")) or start
        if "terminated" in state:
            end = parse_ts(state["terminated"].get("finishedAt")) or end
    n = 40 if not previous else 12
    image = container_image(pod, cname)
    return [log_line(image, cname, start + (end - start) * (i + 1) / (n + 1), rng, i == 0,
                     previous and i == n - 1) for i in range(n)]


# --------------------------------------------------------- the cluster

class Cluster:
    def __init__(self, args):
        self.args = args
        self.cond = threading.Condition()
        self.rv = 1000
        self.pods = {}  # "ns/name" -> {"pod": Pod, "kubectl": {...}}
        self.keys = []  # sorted "ns/name" (the order of etcd keys)
        self.by_owner = {}  # ownerReference uid -> set of "ns/name"
        self.history = []  # (rv, type, key, entry, prev_entry)
        self.hist_rvs = []
        self.compacted = 0
        self.workloads = {}  # "ns/Kind/name" -> object
        self.replicas = {}
        self.events = []
        self.logs = {}  # "ns/pod/container" -> {"current": [...], "previous": [...]}
        self.log_gen = 0
        self.metrics_over = {}
        self.metrics_on = not args.no_metrics
        self.mode = "ok"
        self.mode_gen = 0
        self.kill_gen = 0
        self.kill_how = "close"
        self.fmt = args.format
        self.deny = []  # (verb, resource, ns or None, user or None)
        self.token = args.token
        self.requests = []
        self.stats = {k: 0 for k in (
            "requests", "lists", "watches", "watching", "gets", "deletes", "patches", "puts", "reviews",
            "logs", "events", "metrics", "table", "gzip", "bookmarks", "errors", "gone", "unauthorized",
            "forbidden", "discovery", "hung")}
        self.users = {}
        self.started = time.time()
        self.rng = random.Random(42)

    # -- loading

    def shift_times(self, obj, delta):
        if isinstance(obj, dict):
            for k, v in list(obj.items()):
                if k in TIME_KEYS and isinstance(v, str):
                    t = parse_ts(v)
                    if t is not None:
                        obj[k] = now_ts(t + delta)
                else:
                    self.shift_times(v, delta)
        elif isinstance(obj, list):
            for v in obj:
                self.shift_times(v, delta)

    @staticmethod
    def shift_line(line, delta):
        def sub(m):
            frac = m.group(4) or ""
            try:
                t = datetime.datetime.strptime(m.group(1) + " " + m.group(3), "%Y-%m-%d %H:%M:%S")
            except ValueError:
                return m.group(0)
            t = t + datetime.timedelta(seconds=delta)
            return t.strftime("%Y-%m-%d") + m.group(2) + t.strftime("%H:%M:%S") + frac + m.group(5)
        return LOG_TS.sub(sub, line)

    def load_file(self, path):
        with open(path) as f:
            data = json.load(f)
        delta = 0
        if data.get("now"):
            delta = round(self.started - parse_ts(data["now"]))
        if delta:
            self.shift_times(data.get("items"), delta)
            self.shift_times(data.get("events"), delta)
        for it in data.get("items", []):
            pod = it["pod"] if "pod" in it else it
            self.put_pod(pod, it.get("kubectl"), record=False, fresh=True)
        for ev in data.get("events", []):
            self.add_event(ev)
        for lg in data.get("logs", []):
            key = "%s/%s/%s" % (lg["namespace"], lg["pod"], lg["container"])
            self.logs[key] = {k: [self.shift_line(line, delta) for line in lg.get(k) or []]
                              for k in ("current", "previous") if k in lg}
        self.metrics_over.update(data.get("metrics") or {})
        self.replicas.update(data.get("replicas") or {})

    def generate(self, n, ns):
        services = ["fleet-manager", "vehicle-gateway", "policy-engine", "telemetry-ingest",
                    "telemetry-consumer", "api-gateway", "route-planner", "map-tiles", "charging-scheduler",
                    "ota-updater", "remote-assist", "billing", "notifications", "auth-service", "geofence",
                    "trip-history", "diagnostics", "sensor-fusion", "fleet-analytics", "dispatch"]
        namespaces = [ns] if ns else ["atlasmesh-prod", "atlasmesh-staging", "atlasmesh-dev", "telemetry"]
        nodes = ["ip-10-30-%d-%d.me-central-1.compute.internal" % (k, (k * 37) % 250 + 3) for k in range(20)]
        # Pods of a Deployment the files already have join its ReplicaSet.
        have_rs = {}
        for e in self.pods.values():
            m = e["pod"]["metadata"]
            for ref in m.get("ownerReferences") or []:
                if ref.get("kind") == "ReplicaSet" and (m.get("labels") or {}).get("app"):
                    have_rs[(m["namespace"], m["labels"]["app"])] = (ref["name"], ref.get("uid"),
                                                                     m["labels"].get("pod-template-hash"))
        rng = random.Random(20250620)
        for i in range(n):
            svc = services[i % len(services)]
            pns = namespaces[(i // len(services)) % len(namespaces)]
            h = hashlib.sha1(("%s/%s" % (pns, svc)).encode()).hexdigest()[:10]
            rs, rs_uid = "%s-%s" % (svc, h), stable_uid(pns, "rs", "%s-%s" % (svc, h))
            if (pns, svc) in have_rs:
                rs, rs_uid, h = have_rs[(pns, svc)]
            for _ in range(100):
                name = "%s-%s-%s" % (svc, h, "".join(rng.choice(SUFFIX_CHARS) for _ in range(5)))
                if "%s/%s" % (pns, name) not in self.pods:
                    break
            node_i = rng.randrange(len(nodes))
            node = nodes[node_i]
            age = rng.randint(600, 40 * 86400)
            created = self.started - age
            img = "registry.atlasmesh.ae/fleet-os/%s:2.%d.%d" % (svc, i % 7, i % 5)
            ip = "10.31.%d.%d" % (node_i, 2 + (i // len(nodes)) % 250)
            r = rng.random()
            restarts = 0
            last = {}
            ready = True
            phase = "Running"
            state = {"running": {"startedAt": now_ts(created + 5)}}
            kub_status = "Running"
            scheduled = True
            cid = "containerd://" + hashlib.sha256(name.encode()).hexdigest()
            if r < 0.02:
                restarts = rng.randint(3, 40)
                fin = self.started - rng.randint(30, 600)
                last = {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": now_ts(fin - 20),
                                       "finishedAt": now_ts(fin), "containerID": cid}}
                state = {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting "
                                     "failed container=%s pod=%s_%s(...)" % (svc, name, pns)}}
                ready, kub_status = False, "CrashLoopBackOff"
            elif r < 0.03:
                scheduled, ready, phase, kub_status = False, False, "Pending", "Pending"
            elif r < 0.04:
                state = {"waiting": {"reason": "ImagePullBackOff",
                                     "message": "Back-off pulling image \"%s\"" % img}}
                ready, kub_status = False, "ImagePullBackOff"
            elif r < 0.05:
                restarts = rng.randint(1, 5)
                fin = self.started - rng.randint(5, 120)
                last = {"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": now_ts(fin - 900),
                                       "finishedAt": now_ts(fin - 600), "containerID": cid + "0"}}
                state = {"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": now_ts(fin - 300),
                                        "finishedAt": now_ts(fin), "containerID": cid}}
                ready, kub_status = False, "OOMKilled"
            elif r < 0.06:
                ready = False
            elif r < 0.11:
                restarts = rng.randint(1, 3)
                fin = self.started - rng.randint(60, age)
                last = {"terminated": {"exitCode": 2, "reason": "Error", "startedAt": now_ts(created + 5),
                                       "finishedAt": now_ts(fin), "containerID": cid + "1"}}
                state = {"running": {"startedAt": now_ts(fin + 1)}}
            pod = {
                "metadata": {
                    "name": name, "generateName": rs + "-", "namespace": pns,
                    "uid": stable_uid("gen", pns, name), "creationTimestamp": now_ts(created),
                    "labels": {"app": svc, "app.kubernetes.io/name": svc, "pod-template-hash": h},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs,
                                         "uid": rs_uid, "controller": True,
                                         "blockOwnerDeletion": True}],
                },
                "spec": {
                    "containers": [{"name": svc, "image": img,
                                    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                                    "resources": {"requests": {"cpu": "%dm" % (100 * (1 + i % 5)),
                                                               "memory": "%dMi" % (128 * (1 + i % 4))}}}],
                    "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
                    "dnsPolicy": "ClusterFirst", "serviceAccountName": "default",
                    "schedulerName": "default-scheduler",
                },
                "status": {"phase": phase, "qosClass": "Burstable"},
            }
            cond_ready = "True" if ready else "False"
            if scheduled:
                pod["spec"]["nodeName"] = node
                st = pod["status"]
                st["conditions"] = [
                    {"type": "Initialized", "status": "True", "lastProbeTime": None,
                     "lastTransitionTime": now_ts(created + 2)},
                    {"type": "Ready", "status": cond_ready, "lastProbeTime": None,
                     "lastTransitionTime": now_ts(created + 8)},
                    {"type": "ContainersReady", "status": cond_ready, "lastProbeTime": None,
                     "lastTransitionTime": now_ts(created + 8)},
                    {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                     "lastTransitionTime": now_ts(created)}]
                st["hostIP"] = "10.30.%d.%d" % (node_i, (node_i * 37) % 250 + 3)
                st["podIP"] = ip
                st["podIPs"] = [{"ip": ip}]
                st["startTime"] = now_ts(created + 1)
                cs = {"name": svc, "state": state, "lastState": last, "ready": ready, "restartCount": restarts,
                      "image": img, "imageID": "", "started": "running" in state}
                if "running" in state or "terminated" in state or last:
                    cs["containerID"] = cid
                    cs["imageID"] = img.split(":")[0] + "@sha256:" + hashlib.sha256(img.encode()).hexdigest()
                st["containerStatuses"] = [cs]
            else:
                pod["status"]["conditions"] = [
                    {"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                     "lastTransitionTime": now_ts(created), "reason": "Unschedulable",
                     "message": "0/20 nodes are available: 20 Insufficient cpu. preemption: 0/20 nodes are "
                                "available: 20 No preemption victims found for incoming pod."}]
            kub = {"status": kub_status, "ready": "%d/1" % (1 if ready else 0), "restarts": restarts}
            self.put_pod(pod, kub, record=False, fresh=True)

    def derive_workloads(self):
        """ReplicaSets, Deployments, StatefulSets, DaemonSets and Jobs from
        the pods' ownerReferences, so owner lookups and scale work."""
        for key in self.keys:
            self.derive_owner(self.pods[key]["pod"])

    def derive_owner(self, pod):
        meta = pod["metadata"]
        ns = meta.get("namespace")
        for ref in meta.get("ownerReferences") or []:
            if not ref.get("controller"):
                continue
            kind, name = ref.get("kind"), ref.get("name")
            key = "%s/%s/%s" % (ns, kind, name)
            if key in self.workloads:
                continue
            labels = dict(meta.get("labels") or {})
            tmpl_labels = {k: v for k, v in labels.items() if k not in (
                "pod-template-hash", "controller-revision-hash", "statefulset.kubernetes.io/pod-name",
                "apps.kubernetes.io/pod-index", "pod-template-generation")}
            spec = {k: v for k, v in pod.get("spec", {}).items() if k not in ("nodeName", "hostname", "subdomain")}
            template = {"metadata": {"creationTimestamp": None, "labels": tmpl_labels}, "spec": spec}
            created = meta.get("creationTimestamp")
            app = tmpl_labels.get("app") or tmpl_labels.get("app.kubernetes.io/name") or \
                tmpl_labels.get("k8s-app") or name
            sel_key = "app" if "app" in tmpl_labels else ("k8s-app" if "k8s-app" in tmpl_labels else None)
            selector = {sel_key: app} if sel_key else dict(tmpl_labels)
            if kind == "ReplicaSet":
                h = labels.get("pod-template-hash") or name.rsplit("-", 1)[-1]
                dname = name[: -len(h) - 1] if name.endswith("-" + h) else name.rsplit("-", 1)[0]
                dkey = "%s/Deployment/%s" % (ns, dname)
                duid = stable_uid(ns, "deploy", dname)
                rs_sel = dict(selector)
                rs_sel["pod-template-hash"] = h
                rs_tmpl = copy.deepcopy(template)
                rs_tmpl["metadata"]["labels"]["pod-template-hash"] = h
                self.workloads[key] = {
                    "kind": "ReplicaSet", "apiVersion": "apps/v1",
                    "metadata": {"name": name, "namespace": ns, "uid": ref.get("uid") or stable_uid(ns, "rs", name),
                                 "resourceVersion": str(self.rv), "generation": 1, "creationTimestamp": created,
                                 "labels": dict(rs_tmpl["metadata"]["labels"]),
                                 "annotations": {"deployment.kubernetes.io/desired-replicas": "0",
                                                 "deployment.kubernetes.io/max-replicas": "0",
                                                 "deployment.kubernetes.io/revision": "1"},
                                 "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": dname,
                                                      "uid": duid, "controller": True, "blockOwnerDeletion": True}]},
                    "spec": {"replicas": 0, "selector": {"matchLabels": rs_sel}, "template": rs_tmpl},
                    "status": {},
                }
                if dkey not in self.workloads:
                    self.workloads[dkey] = {
                        "kind": "Deployment", "apiVersion": "apps/v1",
                        "metadata": {"name": dname, "namespace": ns, "uid": duid, "resourceVersion": str(self.rv),
                                     "generation": 1, "creationTimestamp": created,
                                     "labels": {k: v for k, v in tmpl_labels.items() if k.startswith("app")} or
                                     dict(tmpl_labels),
                                     "annotations": {"deployment.kubernetes.io/revision": "1"}},
                        "spec": {"replicas": 0, "selector": {"matchLabels": selector}, "template": template,
                                 "strategy": {"type": "RollingUpdate",
                                              "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                                 "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
                        "status": {},
                    }
                d = self.workloads[dkey]
                # The newest ReplicaSet is the Deployment's template.
                if (parse_ts(created) or 0) >= (parse_ts(d["metadata"].get("_tmpl_ts")) or 0):
                    d["spec"]["template"] = template
                    d["metadata"]["_tmpl_ts"] = created
                    d["metadata"]["_rs"] = name
                if (parse_ts(created) or 0) < (parse_ts(d["metadata"]["creationTimestamp"]) or 0):
                    d["metadata"]["creationTimestamp"] = created
            elif kind in ("StatefulSet", "DaemonSet", "Job"):
                group = "batch/v1" if kind == "Job" else "apps/v1"
                obj = {"kind": kind, "apiVersion": group,
                       "metadata": {"name": name, "namespace": ns, "uid": ref.get("uid") or stable_uid(ns, kind, name),
                                    "resourceVersion": str(self.rv), "generation": 1, "creationTimestamp": created,
                                    "labels": {k: v for k, v in tmpl_labels.items()
                                               if not k.startswith("batch.") and k not in ("controller-uid", "job-name")}},
                       "spec": {"selector": {"matchLabels": selector}, "template": template},
                       "status": {}}
                if kind == "StatefulSet":
                    obj["spec"].update({"replicas": 0, "serviceName": name + "-headless",
                                        "podManagementPolicy": "OrderedReady",
                                        "updateStrategy": {"type": "RollingUpdate",
                                                           "rollingUpdate": {"partition": 0}},
                                        "revisionHistoryLimit": 10,
                                        "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain",
                                                                                 "whenScaled": "Retain"}})
                elif kind == "DaemonSet":
                    obj["spec"].update({"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {
                        "maxUnavailable": 1, "maxSurge": 0}}, "revisionHistoryLimit": 10})
                else:
                    obj["spec"].update({"parallelism": 1, "completions": 1, "backoffLimit": 6,
                                        "completionMode": "NonIndexed", "suspend": False})
                    obj["spec"]["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid":
                                                               obj["metadata"]["uid"]}}
                self.workloads[key] = obj

    def finish_load(self):
        self.derive_workloads()
        for key, w in self.workloads.items():
            if w["kind"] in ("Deployment", "StatefulSet", "ReplicaSet"):
                ns, kind, name = key.split("/", 2)
                n = len(self.owned_pods(w))
                if w["kind"] == "Deployment":
                    rs = "%s/ReplicaSet/%s" % (ns, w["metadata"].get("_rs"))
                    n = len(self.owned_pods(self.workloads[rs])) if rs in self.workloads else n
                w["spec"]["replicas"] = int(self.replicas.get(key, n))
        for d in self.workloads.values():
            if d["kind"] != "Deployment":
                continue
            rss = sorted((w for w in self.workloads.values() if w["kind"] == "ReplicaSet" and
                          w["metadata"]["ownerReferences"][0]["uid"] == d["metadata"]["uid"]),
                         key=lambda w: parse_ts(w["metadata"]["creationTimestamp"]) or 0)
            want = d["spec"]["replicas"]
            for i, rs in enumerate(rss):
                ann = rs["metadata"]["annotations"]
                ann["deployment.kubernetes.io/revision"] = str(i + 1)
                ann["deployment.kubernetes.io/desired-replicas"] = str(want)
                ann["deployment.kubernetes.io/max-replicas"] = str(want + int(math.ceil(want * 0.25)))
            d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = str(max(1, len(rss)))
        self.compacted = self.rv

    # -- pods

    def bump(self):
        self.rv += 1
        return self.rv

    def index_owner(self, key, pod, add):
        for ref in pod["metadata"].get("ownerReferences") or []:
            if add:
                self.by_owner.setdefault(ref.get("uid"), set()).add(key)
            else:
                self.by_owner.get(ref.get("uid"), set()).discard(key)

    def put_pod(self, pod, kubectl=None, record=True, etype=None, fresh=False):
        """Add or replace a pod; returns the new entry. Caller holds the
        lock when record is set. fresh: pod is the caller's to keep."""
        if not fresh:
            pod = copy.deepcopy(pod)
        pod.pop("kind", None)
        pod.pop("apiVersion", None)
        meta = pod.setdefault("metadata", {})
        meta.setdefault("namespace", self.args.namespace or DEFAULT_NS)
        if not meta.get("name"):
            if meta.get("generateName"):
                meta["name"] = meta["generateName"] + "".join(self.rng.choice(SUFFIX_CHARS) for _ in range(5))
            else:
                raise bad_request("name or generateName is required")
        key = "%s/%s" % (meta["namespace"], meta["name"])
        old = self.pods.get(key)
        if old:
            meta.setdefault("uid", old["pod"]["metadata"].get("uid"))
            meta.setdefault("creationTimestamp", old["pod"]["metadata"].get("creationTimestamp"))
        meta.setdefault("uid", str(uuid.uuid4()))
        meta.setdefault("creationTimestamp", now_ts())
        pod.setdefault("spec", {}).setdefault("containers", [])
        pod.setdefault("status", {})
        meta["resourceVersion"] = str(self.bump())
        entry = {"pod": pod, "kubectl": dict(kubectl) if kubectl else derive_kubectl(pod)}
        self.pods[key] = entry
        if old:
            self.index_owner(key, old["pod"], False)
        else:
            bisect.insort(self.keys, key)
        self.index_owner(key, pod, True)
        if record:
            self.record(etype or ("MODIFIED" if old else "ADDED"), key, entry, old)
        return entry

    def remove_pod(self, key):
        old = self.pods.pop(key)
        self.index_owner(key, old["pod"], False)
        i = bisect.bisect_left(self.keys, key)
        if i < len(self.keys) and self.keys[i] == key:
            del self.keys[i]
        pod = copy.deepcopy(old["pod"])
        pod["metadata"]["resourceVersion"] = str(self.bump())
        entry = {"pod": pod, "kubectl": old["kubectl"]}
        self.record("DELETED", key, entry, old)
        return entry

    def record(self, etype, key, entry, prev):
        self.history.append((self.rv, etype, key, entry, prev))
        self.hist_rvs.append(self.rv)
        if len(self.history) > HISTORY_MAX * 3 // 2:
            drop = len(self.history) - HISTORY_MAX
            self.compacted = self.history[drop - 1][0]
            del self.history[:drop]
            del self.hist_rvs[:drop]
        self.cond.notify_all()

    def events_after(self, rv):
        i = bisect.bisect_right(self.hist_rvs, rv)
        return self.history[i:]

    def expire(self, how):
        self.bump()
        self.compacted = self.rv
        self.history = []
        self.hist_rvs = []
        self.kill_gen += 1
        self.kill_how = how
        self.cond.notify_all()

    def owned_pods(self, w):
        uid = w["metadata"]["uid"]
        ns = w["metadata"]["namespace"]
        if w["kind"] == "Deployment":
            uids = {x["metadata"]["uid"] for x in self.workloads.values()
                    if x["kind"] == "ReplicaSet" and x["metadata"]["namespace"] == ns and
                    any(r.get("uid") == uid for r in x["metadata"].get("ownerReferences") or [])}
        else:
            uids = {uid}
        keys = set()
        for u in uids:
            keys |= self.by_owner.get(u, set())
        return [self.pods[k] for k in sorted(keys) if k in self.pods]

    def workload_view(self, w):
        """The workload with its status computed from its pods now."""
        w = copy.deepcopy(w)
        meta = w["metadata"]
        meta.pop("_tmpl_ts", None)
        newest_rs = meta.pop("_rs", None)
        pods = [e for e in self.owned_pods(self.workloads["%s/%s/%s" % (meta["namespace"], w["kind"], meta["name"])])
                if not e["pod"]["metadata"].get("deletionTimestamp")]
        total = len(pods)
        ready = sum(1 for e in pods if e["kubectl"].get("status") == "Running" and
                    e["kubectl"].get("ready", "0/1").split("/")[0] == e["kubectl"].get("ready", "0/1").split("/")[1])
        gen = meta.get("generation", 1)
        if w["kind"] == "Deployment":
            updated = sum(1 for e in pods if any(r.get("name") == newest_rs for r in
                                                 e["pod"]["metadata"].get("ownerReferences") or []))
            want = w["spec"].get("replicas", 0)
            st = {"observedGeneration": gen, "replicas": total, "updatedReplicas": updated,
                  "readyReplicas": ready, "availableReplicas": ready}
            if total - ready > 0:
                st["unavailableReplicas"] = total - ready
            avail = ready >= want - max(0, int(want * 0.25))
            t = meta.get("creationTimestamp")
            st["conditions"] = [
                {"type": "Available", "status": "True" if avail else "False",
                 "lastUpdateTime": t, "lastTransitionTime": t,
                 "reason": "MinimumReplicasAvailable" if avail else "MinimumReplicasUnavailable",
                 "message": "Deployment has minimum availability." if avail else
                 "Deployment does not have minimum availability."},
                {"type": "Progressing", "status": "True", "lastUpdateTime": t, "lastTransitionTime": t,
                 "reason": "NewReplicaSetAvailable" if updated == total else "ReplicaSetUpdated",
                 "message": 'ReplicaSet "%s" has %s.' % (newest_rs, "successfully progressed" if updated == total
                                                          else "is progressing")}]
            if not st["readyReplicas"]:
                del st["readyReplicas"]
                del st["availableReplicas"]
            w["status"] = st
        elif w["kind"] == "ReplicaSet":
            w["status"] = {"replicas": total, "fullyLabeledReplicas": total, "readyReplicas": ready,
                           "availableReplicas": ready, "observedGeneration": gen}
            if not ready:
                del w["status"]["readyReplicas"]
                del w["status"]["availableReplicas"]
        elif w["kind"] == "StatefulSet":
            rev = "%s-%s" % (meta["name"], hashlib.sha1(meta["name"].encode()).hexdigest()[:10])
            w["status"] = {"observedGeneration": gen, "replicas": total, "readyReplicas": ready,
                           "currentReplicas": total, "updatedReplicas": total, "currentRevision": rev,
                           "updateRevision": rev, "collisionCount": 0, "availableReplicas": ready}
        elif w["kind"] == "DaemonSet":
            w["status"] = {"currentNumberScheduled": total, "numberMisscheduled": 0,
                           "desiredNumberScheduled": total, "numberReady": ready, "observedGeneration": gen,
                           "updatedNumberScheduled": total, "numberAvailable": ready}
        elif w["kind"] == "Job":
            done = sum(1 for e in pods if e["pod"].get("status", {}).get("phase") == "Succeeded")
            w["status"] = {"succeeded": done, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {}}
            if done:
                w["status"]["conditions"] = [{"type": "Complete", "status": "True",
                                              "lastProbeTime": meta["creationTimestamp"],
                                              "lastTransitionTime": meta["creationTimestamp"]}]
        return w

    def add_event(self, ev):
        ev = copy.deepcopy(ev)
        ev.pop("kind", None)
        ev.pop("apiVersion", None)
        ev["metadata"]["resourceVersion"] = str(self.bump())
        io = ev.get("involvedObject") or {}
        key = "%s/%s" % (io.get("namespace"), io.get("name"))
        if io.get("kind") == "Pod" and key in self.pods:
            io["uid"] = self.pods[key]["pod"]["metadata"]["uid"]
        self.events.append(ev)

    def kubelet_event(self, pod, reason, message, etype="Normal", field=None):
        meta = pod["metadata"]
        t = now_ts()
        name = "%s.%x" % (meta["name"], int(time.time() * 1e9))
        io = {"kind": "Pod", "namespace": meta["namespace"], "name": meta["name"], "uid": meta["uid"],
              "apiVersion": "v1", "resourceVersion": meta.get("resourceVersion", "")}
        if field:
            io["fieldPath"] = field
        self.add_event({"metadata": {"name": name, "namespace": meta["namespace"], "uid": str(uuid.uuid4()),
                                     "creationTimestamp": t},
                        "involvedObject": io, "reason": reason, "message": message,
                        "source": {"component": "kubelet", "host": pod.get("spec", {}).get("nodeName", "")},
                        "firstTimestamp": t, "lastTimestamp": t, "count": 1, "type": etype, "eventTime": None,
                        "reportingComponent": "kubelet",
                        "reportingInstance": pod.get("spec", {}).get("nodeName", "")})

    # -- access

    def denied(self, user, verb, resource, ns):
        for v, r, n, u in self.deny:
            if v in ("*", verb) and r in ("*", resource) and n in (None, ns) and u in (None, user):
                return True
        return False


# ------------------------------------------------------------ metrics

def parse_cpu(q):
    q = str(q)
    if q.endswith("n"):
        return float(q[:-1]) / 1e6
    if q.endswith("u"):
        return float(q[:-1]) / 1e3
    if q.endswith("m"):
        return float(q[:-1])
    return float(q) * 1000


def parse_mem(q):
    q = str(q)
    units = {"Ki": 1024, "Mi": 1024 ** 2, "Gi": 1024 ** 3, "Ti": 1024 ** 4, "k": 1e3, "M": 1e6, "G": 1e9}
    for u, m in units.items():
        if q.endswith(u):
            return float(q[: -len(u)]) * m
    return float(q)


def pod_metrics(cl, entry):
    """A PodMetrics item, or None when metrics-server would have none."""
    pod = entry["pod"]
    meta = pod["metadata"]
    key = "%s/%s" % (meta["namespace"], meta["name"])
    if pod.get("status", {}).get("phase") != "Running":
        return None
    over = cl.metrics_over.get(key, False)
    if over is None:
        return None
    running = {c.get("name") for c in pod["status"].get("containerStatuses") or []
               if "running" in (c.get("state") or {})}
    if not running:
        return None
    window = int(time.time() // 15)
    containers = []
    for c in pod["spec"].get("containers") or []:
        name = c["name"]
        if name not in running:
            continue
        seed = int(hashlib.md5((key + "/" + name).encode()).hexdigest()[:8], 16)
        jitter = 1 + 0.08 * math.sin(window * 0.7 + seed % 100)
        if over and name in over:
            cpu_m = parse_cpu(over[name]["cpu"])
            mem = parse_mem(over[name]["memory"])
        else:
            req = (c.get("resources") or {}).get("requests") or {}
            cpu_m = parse_cpu(req.get("cpu", "100m")) * (0.2 + (seed % 60) / 100.0)
            mem = parse_mem(req.get("memory", "128Mi")) * (0.4 + (seed % 50) / 100.0)
        containers.append({"name": name, "usage": {"cpu": "%dn" % int(cpu_m * jitter * 1e6),
                                                   "memory": "%dKi" % int(mem * (0.5 + jitter / 2) / 1024)}})
    return {"metadata": {"name": meta["name"], "namespace": meta["namespace"], "creationTimestamp": now_ts(),
                         "labels": meta.get("labels") or {}},
            "timestamp": now_ts(window * 15), "window": "15.013s", "containers": containers}


# ----------------------------------------------------------- discovery

def resource(name, kind, verbs, namespaced=True, short=None, singular=None, cats=None, group=None, version=None):
    r = {"name": name, "singularName": singular if singular is not None else ("" if "/" in name else kind.lower()),
         "namespaced": namespaced, "kind": kind, "verbs": verbs}
    if group:
        r["group"], r["version"] = group, version
    if short:
        r["shortNames"] = short
    if cats:
        r["categories"] = cats
    if "/" not in name:
        r["storageVersionHash"] = base64.b64encode(hashlib.sha256(name.encode()).digest()[:8]).decode()
    return r


RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
DISCOVERY = {
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
        resource("events", "Event", RW, short=["ev"]),
        resource("namespaces", "Namespace", ["create", "delete", "get", "list", "patch", "update", "watch"],
                 namespaced=False, short=["ns"]),
        resource("pods", "Pod", RW, short=["po"], cats=["all"]),
        resource("pods/exec", "PodExecOptions", ["create", "get"], singular=""),
        resource("pods/log", "Pod", ["get"], singular=""),
        resource("pods/status", "Pod", ["get", "patch", "update"], singular=""),
    ]},
    "/apis/apps/v1": {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "apps/v1", "resources": [
        resource("daemonsets", "DaemonSet", RW, short=["ds"], cats=["all"]),
        resource("deployments", "Deployment", RW, short=["deploy"], cats=["all"]),
        resource("deployments/scale", "Scale", ["get", "patch", "update"], singular="",
                 group="autoscaling", version="v1"),
        resource("replicasets", "ReplicaSet", RW, short=["rs"], cats=["all"]),
        resource("replicasets/scale", "Scale", ["get", "patch", "update"], singular="",
                 group="autoscaling", version="v1"),
        resource("statefulsets", "StatefulSet", RW, short=["sts"], cats=["all"]),
        resource("statefulsets/scale", "Scale", ["get", "patch", "update"], singular="",
                 group="autoscaling", version="v1"),
    ]},
    "/apis/batch/v1": {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "batch/v1", "resources": [
        resource("jobs", "Job", RW, cats=["all"]),
    ]},
    "/apis/authorization.k8s.io/v1": {"kind": "APIResourceList", "apiVersion": "v1",
                                      "groupVersion": "authorization.k8s.io/v1", "resources": [
                                          resource("selfsubjectaccessreviews", "SelfSubjectAccessReview",
                                                   ["create"], namespaced=False)]},
    "/apis/metrics.k8s.io/v1beta1": {"kind": "APIResourceList", "apiVersion": "v1",
                                     "groupVersion": "metrics.k8s.io/v1beta1", "resources": [
                                         resource("pods", "PodMetrics", ["get", "list"])]},
}
GROUPS = [("apps", "v1"), ("batch", "v1"), ("authorization.k8s.io", "v1"), ("metrics.k8s.io", "v1beta1")]


def api_group(name, version):
    gv = {"groupVersion": "%s/%s" % (name, version), "version": version}
    return {"name": name, "versions": [gv], "preferredVersion": gv}


# -------------------------------------------------------------- server

class Stop(Exception):
    """The client went away or the stream must end."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 300
    # Headers and body go out in separate writes: without TCP_NODELAY a
    # client reusing the connection waits ~40 ms per request (Nagle +
    # delayed ACK), as no real API server makes it.
    disable_nagle_algorithm = True
    cl = None  # the Cluster, set in main

    def log_message(self, fmt, *a):
        pass

    def setup(self):
        BaseHTTPRequestHandler.setup(self)
        if self.server.tls:
            self.connection.do_handshake()

    def send_response(self, code, message=None):
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())
        self._code = code

    def log_request(self, code="-", size="-"):
        user = getattr(self, "user", None) or "-"
        log(self.server, "%s %s %s %s %s" % (user, self.command, self.path, code,
                                             "tls" if self.server.tls else "plain"))

    # -- plumbing

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                data += self.rfile.read(size)
                self.rfile.readline()
            return data
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send_body(self, code, body, ctype="application/json", compress=True):
        if isinstance(body, str):
            body = body.encode()
        gz = compress and "gzip" in (self.headers.get("Accept-Encoding") or "") and code < 300 or False
        if gz:
            body = gzip.compress(body, 5)
            with self.cl.cond:
                self.cl.stats["gzip"] += 1
        self.send_response(code)
        self.send_header("Audit-Id", str(uuid.uuid4()))
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Content-Type", ctype)
        if gz:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except OSError:
                self.close_connection = True
        if code >= 400:
            with self.cl.cond:
                self.cl.stats["errors"] += 1

    def send_json(self, code, obj, ctype="application/json"):
        self.send_body(code, json.dumps(obj, separators=(",", ":")) + "\n", ctype)

    def start_chunked(self, ctype):
        self.send_response(200)
        self.send_header("Audit-Id", str(uuid.uuid4()))
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Content-Type", ctype)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def chunk(self, data):
        if isinstance(data, str):
            data = data.encode()
        if not data:
            return
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        except OSError:
            raise Stop()

    def end_chunked(self):
        try:
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True

    # -- dispatch

    def dispatch(self, method):
        cl = self.cl
        self.user = None
        u = urlsplit(self.path)
        path = u.path.rstrip("/") or "/"
        self.q = {k: v[-1] for k, v in parse_qs(u.query, keep_blank_values=True).items()}
        self.rawq = u.query
        try:
            body = self.read_body()
        except (OSError, ValueError):
            self.close_connection = True
            return
        try:
            if path.startswith("/_fixture/"):
                if self.server.tls:
                    raise ApiError(404, "NotFound", "the server could not find the requested resource")
                return self.control(method, path[len("/_fixture/"):], body)
            if self.fault():
                return
            self.user = self.authenticate()
            if self.user is None:
                with cl.cond:
                    cl.stats["unauthorized"] += 1
                raise ApiError(401, "Unauthorized", "Unauthorized")
            with cl.cond:
                cl.stats["requests"] += 1
                cl.users[self.user] = cl.users.get(self.user, 0) + 1
                if method != "GET":
                    try:
                        rb = json.loads(body) if body else None
                    except ValueError:
                        rb = body.decode("utf-8", "replace")
                    cl.requests.append({"method": method, "path": path, "query": u.query, "body": rb,
                                        "user": self.user, "content_type": self.headers.get("Content-Type", ""),
                                        "time": now_ts()})
                    del cl.requests[:-10000]
            self.route(method, path, body)
        except ApiError as e:
            if e.code == 403:
                with cl.cond:
                    cl.stats["forbidden"] += 1
            self.send_json(e.code, e.status)
        except Stop:
            self.close_connection = True

    def fault(self):
        """Answer as the injected fault says; True when answered."""
        cl = self.cl
        with cl.cond:
            mode = cl.mode
            if mode == "hang":
                cl.stats["hung"] += 1
                while cl.mode == "hang":
                    cl.cond.wait(1)
                mode = cl.mode
        if mode == "ok":
            return False
        if mode == "garbage":
            self.send_body(200, b"\x1b[2J\x1b]0;pwned\x07<html><body><h1>502 Bad Gateway</h1>upstream sent "
                           b"an invalid response</body></html>\n{\"kind\":\"PodList\",\"items\":[{\"metadata\":",
                           "application/json", compress=False)
        elif mode == "huge":
            self.send_huge()
        elif mode == "500":
            self.send_json(500, status_obj(500, "InternalError",
                                           "Internal error occurred: fixture: injected failure",
                                           {"causes": [{"message": "fixture: injected failure"}]}))
        elif mode == "401":
            self.send_json(401, status_obj(401, "Unauthorized", "Unauthorized"))
        else:
            return False
        return True

    def send_huge(self):
        size = 80 * 1024 * 1024
        with self.cl.cond:
            key = self.cl.keys[0] if self.cl.keys else None
            item = json.dumps(self.cl.pods[key]["pod"] if key else {"metadata": {"name": "x"}},
                              separators=(",", ":")).encode()
        head = b'{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":['
        tail = b"]}\n"
        n = (size - len(head) - len(tail)) // (len(item) + 1)
        pad = size - len(head) - len(tail) - n * (len(item) + 1) + 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        block = b",".join([item] * 256) + b","
        try:
            self.wfile.write(head)
            left = n
            while left > 256:
                self.wfile.write(block)
                left -= 256
            self.wfile.write(b",".join([item] * left) + b" " * pad + tail)
        except OSError:
            self.close_connection = True

    def authenticate(self):
        if self.server.tls:
            try:
                cert = self.connection.getpeercert()
            except (ValueError, OSError):
                cert = None
            if cert:
                for rdn in cert.get("subject", ()):
                    for k, v in rdn:
                        if k == "commonName":
                            return v
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer ") and auth[7:].strip() == self.cl.token:
            return self.cl.args.user
        return None

    def check(self, verb, res, ns, name=None, group=""):
        cl = self.cl
        with cl.cond:
            bad = cl.denied(self.user, verb, res, ns)
        if not bad:
            return
        what = ('%s "%s"' % (res.split("/")[0] + ("." + group if group else ""), name) if name
                else res.split("/")[0] + ("." + group if group else ""))
        where = 'in the namespace "%s"' % ns if ns else "at the cluster scope"
        msg = '%s is forbidden: User "%s" cannot %s resource "%s" in API group "%s" %s' % (
            what, self.user, verb, res, group, where)
        det = {"kind": res.split("/")[0]}
        if name:
            det = {"name": name, "kind": res.split("/")[0]}
        if group:
            det["group"] = group
        raise ApiError(403, "Forbidden", msg, det)

    def route(self, method, path, body):
        cl = self.cl
        q = self.q
        if path in ("/readyz", "/livez", "/healthz"):
            return self.send_body(200, "ok", "text/plain; charset=utf-8")
        if path == "/version":
            return self.send_json(200, VERSION)
        if path in ("/api", "/apis") or path in DISCOVERY or path in ("/apis/" + g for g, _ in GROUPS):
            return self.discovery(path)
        m = re.match(r"^/api/v1(?:/watch)?(?:/namespaces/([^/]+))?/pods$", path)
        if m:
            if method != "GET":
                raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the "
                               "requested resource")
            watch = "/watch/" in path or q.get("watch") in ("1", "true", "True")
            return self.watch_pods(m.group(1)) if watch else self.list_pods(m.group(1))
        m = re.match(r"^/api/v1/namespaces/([^/]+)/pods/([^/]+)(/log|/status|/exec|/attach)?$", path)
        if m:
            ns, name, sub = m.group(1), m.group(2), m.group(3)
            if sub == "/log":
                return self.pod_log(ns, name)
            if sub in ("/exec", "/attach"):
                self.check("create" if method == "POST" else "get", "pods" + sub, ns, name)
                raise bad_request("Upgrade request required")
            if method == "GET":
                return self.get_pod(ns, name)
            if method == "DELETE":
                return self.delete_pod(ns, name, body)
            if method == "PATCH":
                return self.patch_pod(ns, name, body)
            raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the "
                           "requested resource")
        m = re.match(r"^/api/v1(?:/namespaces/([^/]+))?/events$", path)
        if m:
            return self.list_events(m.group(1))
        if path == "/api/v1/namespaces":
            return self.list_namespaces()
        m = re.match(r"^/api/v1/namespaces/([^/]+)$", path)
        if m:
            return self.get_namespace(m.group(1))
        m = re.match(r"^/apis/metrics\.k8s\.io/v1beta1(?:/namespaces/([^/]+))?/pods(?:/([^/]+))?$", path)
        if m:
            if not cl.metrics_on:
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
            return self.metrics(m.group(1), m.group(2))
        m = re.match(r"^/apis/(apps|batch)/v1(?:/namespaces/([^/]+))?/(deployments|replicasets|statefulsets|"
                     r"daemonsets|jobs)(?:/([^/]+))?(/scale|/status)?$", path)
        if m:
            return self.workload(method, m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), body)
        if path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" and method == "POST":
            return self.access_review(body)
        raise ApiError(404, "NotFound", "the server could not find the requested resource")

    # -- discovery

    def discovery(self, path):
        cl = self.cl
        with cl.cond:
            cl.stats["discovery"] += 1
        if path == "/api":
            return self.send_json(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:%d" % self.server.server_port}]})
        groups = [(g, v) for g, v in GROUPS if cl.metrics_on or g != "metrics.k8s.io"]
        if path == "/apis":
            return self.send_json(200, {"kind": "APIGroupList", "apiVersion": "v1",
                                        "groups": [api_group(g, v) for g, v in groups]})
        for g, v in groups:
            if path == "/apis/" + g:
                obj = {"kind": "APIGroup", "apiVersion": "v1"}
                obj.update(api_group(g, v))
                return self.send_json(200, obj)
        if path in DISCOVERY and (cl.metrics_on or "metrics" not in path):
            return self.send_json(200, DISCOVERY[path])
        raise ApiError(404, "NotFound", "the server could not find the requested resource")

    # -- pods

    def want_table(self):
        """The Table version the client accepts (None: a plain list)."""
        acc = (self.headers.get("Accept") or "").replace(" ", "")
        ver = None
        plain = not acc
        for part in acc.split(","):
            if "as=Table" in part and "g=meta.k8s.io" in part:
                v = "v1" if "v=v1;" in part + ";" else ("v1beta1" if "v=v1beta1" in part else None)
                if v and not ver:
                    ver = v
            elif part.split(";")[0] in ("application/json", "*/*", "application/*") and "as=" not in part:
                plain = True
        if self.cl.fmt == "list":
            if not plain:
                raise ApiError(406, "NotAcceptable", "only the following media types are accepted: "
                               "application/json, application/yaml, application/vnd.kubernetes.protobuf")
            return None
        return ver

    def filters(self, fields):
        lm = label_matcher(self.q.get("labelSelector"))
        fm = field_matcher(self.q.get("fieldSelector"), fields)

        def match(obj):
            return (lm is None or lm(obj["metadata"].get("labels"))) and (fm is None or fm(obj))
        return match, bool(lm or fm)

    def list_pods(self, ns):
        cl = self.cl
        self.check("list", "pods", ns)
        table = self.want_table()
        match, selective = self.filters(POD_FIELDS)
        limit = int(self.q.get("limit") or 0)
        cont = self.q.get("continue") or ""
        rvq = self.q.get("resourceVersion") or ""
        with cl.cond:
            cl.stats["lists"] += 1
            if table:
                cl.stats["table"] += 1
            list_rv = cl.rv
            start = 0
            lo_key = (ns + "/") if ns else ""
            if cont:
                if rvq not in ("", "0"):
                    raise bad_request("specifying resource version is not allowed when using continue")
                try:
                    tok = json.loads(base64.urlsafe_b64decode(cont + "=" * (-len(cont) % 4)))
                    list_rv, lo_key = int(tok["rv"]), tok["start"]
                    if tok.get("v") != "meta.k8s.io/v1":
                        raise ValueError
                except (ValueError, KeyError, TypeError):
                    raise bad_request("continue key is not valid: incorrect encoded start resourceVersion "
                                      "(version meta.k8s.io/v1)")
                if list_rv < cl.compacted:
                    cl.stats["gone"] += 1
                    newtok = self.token(cl.rv, lo_key)
                    raise ApiError(410, "Expired", "The provided continue parameter is too old to display a "
                                   "consistent list result. You can start a new list without the continue "
                                   "parameter, or use the continue token in this response to retrieve the "
                                   "remainder of the results. Continuing with the provided token results in an "
                                   "inconsistent list - objects that were created, modified, or deleted "
                                   "between the time the first chunk was returned and now may show up in the "
                                   "list.", meta={"continue": newtok})
            elif rvq not in ("", "0"):
                try:
                    if int(rvq) < cl.compacted and self.q.get("resourceVersionMatch") == "Exact":
                        raise ApiError(410, "Expired", "too old resource version: %s (%d)" % (rvq, cl.compacted))
                except ValueError:
                    raise bad_request("invalid resource version: %s" % rvq)
            start = bisect.bisect_left(cl.keys, lo_key)
            items, nxt, remaining = [], None, 0
            i = start
            while i < len(cl.keys):
                key = cl.keys[i]
                if ns and not key.startswith(ns + "/"):
                    break
                e = cl.pods[key]
                if match(e["pod"]):
                    if limit and len(items) >= limit:
                        nxt = items[-1][0]
                        break
                    items.append((key, e))
                i += 1
            if nxt is not None and not selective:
                end = bisect.bisect_left(cl.keys, (ns + "0") if ns else "\uffff")
                remaining = end - i
        meta = {"resourceVersion": str(list_rv)}
        if nxt is not None:
            meta["continue"] = self.token(list_rv, nxt + "\x00")
            if not selective:
                meta["remainingItemCount"] = remaining
        if table:
            gv = "meta.k8s.io/" + table
            inc = self.q.get("includeObject") or "Metadata"
            obj = {"kind": "Table", "apiVersion": gv, "metadata": meta, "columnDefinitions": COLUMN_DEFS,
                   "rows": [table_row(e, inc, gv) for _, e in items]}
            return self.send_json(200, obj, TABLE_V1 if table == "v1" else TABLE_V1BETA1)
        return self.send_json(200, {"kind": "PodList", "apiVersion": "v1", "metadata": meta,
                                    "items": [e["pod"] for _, e in items]})

    @staticmethod
    def token(rv, start):
        raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def watch_pods(self, ns):
        cl = self.cl
        self.check("watch", "pods", ns)
        table = self.want_table()
        match, _ = self.filters(POD_FIELDS)
        rvq = self.q.get("resourceVersion") or ""
        bookmarks = self.q.get("allowWatchBookmarks") in ("1", "true", "True")
        initial = self.q.get("sendInitialEvents") in ("1", "true", "True")
        try:
            timeout = float(self.q.get("timeoutSeconds") or 0)
        except ValueError:
            raise bad_request("invalid timeoutSeconds")
        if timeout <= 0:
            timeout = 1800 * (1 + random.random())
        inc = self.q.get("includeObject") or "Metadata"
        gv = "meta.k8s.io/" + (table or "v1")
        ctype = (TABLE_V1 if table == "v1" else TABLE_V1BETA1) if table else "application/json"
        first = [True]

        def in_ns(key):
            return not ns or key.startswith(ns + "/")

        def encode(etype, entry):
            if table:
                obj = {"kind": "Table", "apiVersion": gv,
                       "metadata": {"resourceVersion": entry["pod"]["metadata"].get("resourceVersion", "")},
                       "columnDefinitions": COLUMN_DEFS if first[0] else None,
                       "rows": [table_row(entry, inc, gv)]}
                first[0] = False
            else:
                obj = with_kind(entry["pod"], "Pod", "v1")
            return json.dumps({"type": etype, "object": obj}, separators=(",", ":")) + "\n"

        def bookmark(rv, annotations=None):
            meta = {"resourceVersion": str(rv), "creationTimestamp": None}
            if annotations:
                meta["annotations"] = annotations
            pod = {"metadata": meta, "spec": {"containers": None}, "status": {}}
            with cl.cond:
                cl.stats["bookmarks"] += 1
            return encode("BOOKMARK", {"pod": pod, "kubectl": {"status": "", "ready": "0/0", "restarts": 0}})

        def gone(rv, oldest):
            with cl.cond:
                cl.stats["gone"] += 1
            st = status_obj(410, "Expired", "too old resource version: %s (%d)" % (rv, oldest))
            return json.dumps({"type": "ERROR", "object": st}, separators=(",", ":")) + "\n"

        out = []
        with cl.cond:
            cl.stats["watches"] += 1
            kill, mode_gen = cl.kill_gen, cl.mode_gen
            if rvq in ("", "0") or initial:
                last = cl.rv
                for key in cl.keys:
                    if in_ns(key) and match(cl.pods[key]["pod"]):
                        out.append(("ADDED", cl.pods[key]))
                if initial and bookmarks:
                    out.append(("BOOKMARK-INITIAL", last))
            else:
                try:
                    last = int(rvq)
                except ValueError:
                    raise bad_request("invalid resource version: %s" % rvq)
                if last < cl.compacted:
                    out.append(("GONE", (rvq, cl.compacted)))
                last = min(last, cl.rv)
            cl.stats["watching"] += 1
        try:
            self.start_chunked(ctype)
            buf = []
            for etype, e in out:
                if etype == "GONE":
                    buf.append(gone(*e))
                elif etype == "BOOKMARK-INITIAL":
                    buf.append(bookmark(e, {"k8s.io/initial-events-end": "true"}))
                else:
                    buf.append(encode(etype, e))
            self.chunk("".join(buf))
            if out and out[0][0] == "GONE":
                return self.end_chunked()
            deadline = time.time() + timeout
            next_bm = time.time() + self.server.bookmark_seconds
            while True:
                send, bm, end = [], None, None
                with cl.cond:
                    while True:
                        now = time.time()
                        if cl.kill_gen != kill:
                            end = "error" if cl.kill_how == "error" else "close"
                            break
                        if cl.mode == "hang":
                            cl.cond.wait(1)
                            continue
                        if cl.mode != "ok" or cl.mode_gen != mode_gen:
                            end = "close"
                            break
                        if last < cl.compacted:
                            end = "error"
                            break
                        evs = cl.events_after(last)
                        if evs:
                            for rv, etype, key, entry, prev in evs:
                                if not in_ns(key):
                                    continue
                                now_in = etype != "DELETED" and match(entry["pod"])
                                was_in = prev is not None and match(prev["pod"])
                                if etype == "DELETED":
                                    if was_in:
                                        send.append(("DELETED", entry))
                                elif now_in and (was_in or etype == "ADDED"):
                                    send.append((etype, entry))
                                elif now_in:
                                    send.append(("ADDED", entry))
                                elif was_in:
                                    send.append(("DELETED", entry))
                            last = evs[-1][0]
                            if send:
                                break
                            continue
                        if now >= deadline:
                            end = "timeout"
                            break
                        if bookmarks and now >= next_bm:
                            bm = cl.rv
                            last = max(last, cl.rv)
                            next_bm = now + self.server.bookmark_seconds
                            break
                        wait = deadline - now
                        if bookmarks:
                            wait = min(wait, next_bm - now)
                        cl.cond.wait(max(0.01, min(wait, 1.0)))
                    oldest = cl.compacted
                if send:
                    self.chunk("".join(encode(t, e) for t, e in send))
                if bm is not None:
                    self.chunk(bookmark(bm))
                if end == "error":
                    self.chunk(gone(last, oldest))
                if end:
                    break
            self.end_chunked()
        finally:
            with cl.cond:
                cl.stats["watching"] -= 1

    def find_pod(self, ns, name):
        e = self.cl.pods.get("%s/%s" % (ns, name))
        if not e:
            raise not_found("pods", name)
        return e

    def get_pod(self, ns, name):
        cl = self.cl
        self.check("get", "pods", ns, name)
        table = self.want_table()
        with cl.cond:
            cl.stats["gets"] += 1
            e = self.find_pod(ns, name)
        if table:
            gv = "meta.k8s.io/" + table
            obj = {"kind": "Table", "apiVersion": gv,
                   "metadata": {"resourceVersion": e["pod"]["metadata"]["resourceVersion"]},
                   "columnDefinitions": COLUMN_DEFS,
                   "rows": [table_row(e, self.q.get("includeObject") or "Metadata", gv)]}
            return self.send_json(200, obj, TABLE_V1 if table == "v1" else TABLE_V1BETA1)
        return self.send_json(200, with_kind(e["pod"], "Pod", "v1"))

    def delete_pod(self, ns, name, body):
        cl = self.cl
        self.check("delete", "pods", ns, name)
        try:
            opts = json.loads(body) if body else {}
        except ValueError:
            raise bad_request("invalid DeleteOptions body")
        grace = opts.get("gracePeriodSeconds")
        if grace is None and self.q.get("gracePeriodSeconds"):
            grace = int(self.q["gracePeriodSeconds"])
        dry = bool(opts.get("dryRun")) or bool(self.q.get("dryRun"))
        with cl.cond:
            cl.stats["deletes"] += 1
            e = self.find_pod(ns, name)
            pod = e["pod"]
            pre = opts.get("preconditions") or {}
            if pre.get("uid") and pre["uid"] != pod["metadata"]["uid"]:
                raise ApiError(409, "Conflict", "Operation cannot be fulfilled on Pod \"%s\": Precondition "
                               "failed: UID in precondition: %s, UID in object meta: %s" % (
                                   name, pre["uid"], pod["metadata"]["uid"]), {"name": name, "kind": "Pod"})
            if pre.get("resourceVersion") and pre["resourceVersion"] != pod["metadata"]["resourceVersion"]:
                raise ApiError(409, "Conflict", "Operation cannot be fulfilled on Pod \"%s\": Precondition "
                               "failed: ResourceVersion in precondition: %s, ResourceVersion in object meta: %s" % (
                                   name, pre["resourceVersion"], pod["metadata"]["resourceVersion"]),
                               {"name": name, "kind": "Pod"})
            if dry:
                return self.send_json(200, with_kind(pod, "Pod", "v1"))
            key = "%s/%s" % (ns, name)
            terminal = pod.get("status", {}).get("phase") in ("Succeeded", "Failed")
            immediate = grace == 0 or terminal or not pod.get("spec", {}).get("nodeName")
            if pod["metadata"].get("deletionTimestamp"):
                out = with_kind(pod, "Pod", "v1")
                if grace == 0:
                    out = with_kind(cl.remove_pod(key)["pod"], "Pod", "v1")
            elif immediate:
                out = with_kind(cl.remove_pod(key)["pod"], "Pod", "v1")
            else:
                if grace is None:
                    grace = int(pod.get("spec", {}).get("terminationGracePeriodSeconds", 30))
                npod = copy.deepcopy(pod)
                npod["metadata"]["deletionTimestamp"] = now_ts(time.time() + grace)
                npod["metadata"]["deletionGracePeriodSeconds"] = grace
                kub = dict(e["kubectl"])
                kub["status"] = "Unknown" if npod["status"].get("reason") == "NodeLost" else "Terminating"
                ne = cl.put_pod(npod, kub)
                for c in npod["spec"].get("containers") or []:
                    cl.kubelet_event(npod, "Killing", "Stopping container %s" % c["name"],
                                     field="spec.containers{%s}" % c["name"])
                out = with_kind(ne["pod"], "Pod", "v1")
                uid = npod["metadata"]["uid"]
                delay = min(float(grace), self.server.delete_seconds)
                threading.Timer(delay, self.server.finish_delete, (key, uid)).start()
            if self.server.controller:
                self.server.replace_later(pod)
        return self.send_json(200, out)

    def patch_pod(self, ns, name, body):
        cl = self.cl
        self.check("patch", "pods", ns, name)
        with cl.cond:
            cl.stats["patches"] += 1
            e = self.find_pod(ns, name)
            new = self.apply_patch(with_kind(e["pod"], "Pod", "v1"), body)
            ne = cl.put_pod(new, e["kubectl"] if new.get("status") == e["pod"].get("status") else None)
        return self.send_json(200, with_kind(ne["pod"], "Pod", "v1"))

    def apply_patch(self, obj, body):
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        try:
            patch = json.loads(body or b"null")
        except ValueError as err:
            raise bad_request("error decoding patch: %s" % err)
        if ctype in ("application/merge-patch+json", "application/strategic-merge-patch+json"):
            if not isinstance(patch, dict):
                raise bad_request("patch must be a JSON object")
            rv = (patch.get("metadata") or {}).get("resourceVersion")
            if rv and rv != obj["metadata"].get("resourceVersion"):
                raise ApiError(409, "Conflict", "Operation cannot be fulfilled on %s \"%s\": the object has "
                               "been modified; please apply your changes to the latest version and try again" %
                               (obj["kind"].lower() + "s", obj["metadata"]["name"]))
            new = merge_patch(obj, patch)
        elif ctype == "application/json-patch+json":
            if not isinstance(patch, list):
                raise bad_request("json patch must be a list of operations")
            new = json_patch(obj, patch)
        else:
            raise ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                           "accepted media types include: application/json-patch+json, "
                           "application/merge-patch+json, application/apply-patch+yaml")
        for k in ("name", "namespace", "uid", "creationTimestamp"):
            if obj["metadata"].get(k) is not None:
                new.setdefault("metadata", {})[k] = obj["metadata"][k]
        return new

    def pod_log(self, ns, name):
        cl = self.cl
        self.check("get", "pods/log", ns, name)
        q = self.q
        cname = q.get("container") or ""
        previous = q.get("previous") in ("1", "true", "True")
        follow = q.get("follow") in ("1", "true", "True")
        with cl.cond:
            cl.stats["logs"] += 1
            e = self.find_pod(ns, name)
            pod = e["pod"]
            spec = pod.get("spec", {})
            names = [c["name"] for c in spec.get("containers") or []]
            inames = [c["name"] for c in spec.get("initContainers") or []]
            if not cname:
                if len(names) == 1:
                    cname = names[0]
                elif not names:
                    raise bad_request("a container name must be specified for pod %s" % name)
                else:
                    msg = "a container name must be specified for pod %s, choose one of: [%s]" % (name, " ".join(names))
                    if inames:
                        msg += " or one of the init containers: [%s]" % " ".join(inames)
                    raise bad_request(msg)
            elif cname not in names and cname not in inames:
                raise bad_request("container %s is not valid for pod %s" % (cname, name))
            if not spec.get("nodeName"):
                return self.send_body(200, b"", "text/plain")
            st = None
            for c in (pod["status"].get("containerStatuses") or []) + (pod["status"].get("initContainerStatuses") or []):
                if c.get("name") == cname:
                    st = c
            state = (st or {}).get("state") or {}
            last = ((st or {}).get("lastState") or {}).get("terminated")
            which = "current"
            who = 'container "%s" in pod "%s"' % (cname, name)
            if previous:
                if not last or not last.get("containerID", True):
                    raise bad_request('previous terminated container "%s" in pod "%s" not found' % (cname, name))
                which = "previous"
            elif "running" in state:
                pass
            elif "terminated" in state:
                if not state["terminated"].get("containerID", True) and last:
                    which = "previous"
            elif last:
                which = "previous"
            elif "waiting" in state:
                reason = state["waiting"].get("reason", "")
                if reason == "ErrImagePull":
                    raise bad_request("%s is waiting to start: image can't be pulled" % who)
                if reason == "ImagePullBackOff":
                    raise bad_request("%s is waiting to start: trying and failing to pull image" % who)
                raise bad_request("%s is waiting to start: %s" % (who, reason))
            else:
                raise bad_request("%s is waiting to start - no logs yet" % who)
            lkey = "%s/%s/%s" % (ns, name, cname)
            store = cl.logs.setdefault(lkey, {})
            if which not in store:
                store[which] = gen_log_lines(pod, cname, which == "previous")
            lines = list(store[which])
            running = "running" in state and which == "current"
        tail = q.get("tailLines")
        if tail not in (None, ""):
            n = int(tail)
            lines = lines[-n:] if n > 0 else []
        stamp = q.get("timestamps") in ("1", "true", "True")

        def fmt(ls):
            out = ""
            for line in ls:
                if stamp:
                    m = re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", line)
                    t = m.group(0) if m else datetime.datetime.now(datetime.timezone.utc).strftime(
                        "%Y-%m-%dT%H:%M:%S.%fZ")
                    out += t + " "
                out += line + "\n"
            return out
        text = fmt(lines).encode()
        if q.get("limitBytes"):
            text = text[: int(q["limitBytes"])]
        if not follow or not running:
            return self.send_body(200, text, "text/plain")
        self.start_chunked("text/plain")
        self.chunk(text)
        uid = pod["metadata"]["uid"]
        sent = len(store[which])
        end = time.time() + 600
        next_line = time.time() + 2
        mode_gen = cl.mode_gen
        rng = random.Random(uid)
        while time.time() < end:
            with cl.cond:
                cl.cond.wait(0.5)
                cur = cl.pods.get("%s/%s" % (ns, name))
                if not cur or cur["pod"]["metadata"]["uid"] != uid or cl.mode_gen != mode_gen:
                    break
                if running and time.time() >= next_line:
                    store[which].append(log_line(container_image(pod, cname), cname, time.time(), rng))
                    next_line = time.time() + 2
                new = store[which][sent:]
                sent = len(store[which])
            if new:
                self.chunk(fmt(new))
        self.end_chunked()

    def list_events(self, ns):
        cl = self.cl
        self.check("list", "events", ns)
        match, _ = self.filters(EVENT_FIELDS)
        with cl.cond:
            cl.stats["events"] += 1
            items = sorted((ev for ev in cl.events if (not ns or ev["metadata"].get("namespace") == ns) and match(ev)),
                           key=lambda ev: (ev["metadata"]["namespace"], ev["metadata"]["name"]))
            rv = cl.rv
        if self.q.get("watch") in ("1", "true"):
            raise bad_request("watching events is not supported by this fixture")
        limit = int(self.q.get("limit") or 0)
        meta = {"resourceVersion": str(rv)}
        if limit and len(items) > limit:
            items = items[:limit]
        return self.send_json(200, {"kind": "EventList", "apiVersion": "v1", "metadata": meta, "items": items})

    def namespaces(self):
        cl = self.cl
        names = sorted({k.split("/", 1)[0] for k in cl.keys} | {"default", "kube-system", "kube-public",
                                                                 "kube-node-lease"})
        out = []
        for n in names:
            out.append({"metadata": {"name": n, "uid": stable_uid("ns", n), "resourceVersion": "42",
                                     "creationTimestamp": now_ts(cl.started - 63 * 86400),
                                     "labels": {"kubernetes.io/metadata.name": n}},
                        "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
        return out

    def list_namespaces(self):
        self.check("list", "namespaces", None)
        with self.cl.cond:
            items, rv = self.namespaces(), self.cl.rv
        self.send_json(200, {"kind": "NamespaceList", "apiVersion": "v1", "metadata": {"resourceVersion": str(rv)},
                             "items": items})

    def get_namespace(self, name):
        self.check("get", "namespaces", None, name)
        with self.cl.cond:
            items = self.namespaces()
        for n in items:
            if n["metadata"]["name"] == name:
                return self.send_json(200, with_kind(n, "Namespace", "v1"))
        raise not_found("namespaces", name)

    def metrics(self, ns, name):
        cl = self.cl
        self.check("list" if not name else "get", "pods", ns, name, group="metrics.k8s.io")
        lm = label_matcher(self.q.get("labelSelector"))
        with cl.cond:
            cl.stats["metrics"] += 1
            if name:
                e = cl.pods.get("%s/%s" % (ns, name))
                m = pod_metrics(cl, e) if e else None
                if not m:
                    raise ApiError(404, "NotFound", 'podmetrics.metrics.k8s.io "%s/%s" not found' % (ns, name),
                                   {"name": "%s/%s" % (ns, name), "group": "metrics.k8s.io", "kind": "pods"})
                return self.send_json(200, with_kind(m, "PodMetrics", "metrics.k8s.io/v1beta1"))
            items = []
            for key in cl.keys:
                if ns and not key.startswith(ns + "/"):
                    continue
                e = cl.pods[key]
                if lm and not lm(e["pod"]["metadata"].get("labels")):
                    continue
                m = pod_metrics(cl, e)
                if m:
                    items.append(m)
        self.send_json(200, {"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {},
                             "items": items})

    # -- workloads

    KINDS = {"deployments": "Deployment", "replicasets": "ReplicaSet", "statefulsets": "StatefulSet",
             "daemonsets": "DaemonSet", "jobs": "Job"}

    def workload(self, method, group, ns, res, name, sub, body):
        cl = self.cl
        kind = self.KINDS[res]
        if (group == "batch") != (res == "jobs"):
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        if not name:
            if method != "GET":
                raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the "
                               "requested resource")
            watch = self.q.get("watch") in ("1", "true", "True")
            self.check("watch" if watch else "list", res, ns, group=group)
            match, _ = self.filters(GENERIC_FIELDS)
            if watch:
                return self.watch_workloads(kind, group, ns, match)
            with cl.cond:
                cl.stats["lists"] += 1
                items = [no_kind(cl.workload_view(w)) for k, w in sorted(cl.workloads.items())
                         if w["kind"] == kind and (not ns or w["metadata"]["namespace"] == ns) and match(w)]
                rv = cl.rv
            return self.send_json(200, {"kind": kind + "List", "apiVersion": "%s/v1" % group,
                                        "metadata": {"resourceVersion": str(rv)}, "items": items})
        if not ns:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        if sub == "/scale" and res not in ("deployments", "replicasets", "statefulsets"):
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        verb = {"GET": "get", "PATCH": "patch", "PUT": "update", "DELETE": "delete"}.get(method)
        if not verb or verb == "delete":
            raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested "
                           "resource")
        self.check(verb, res + (sub or ""), ns, name, group)
        key = "%s/%s/%s" % (ns, kind, name)
        with cl.cond:
            w = cl.workloads.get(key)
            if not w:
                raise not_found(res, name, group)
            if method == "GET":
                cl.stats["gets"] += 1
                view = cl.workload_view(w)
                return self.send_json(200, self.scale_of(view) if sub == "/scale" else view)
            cl.stats["patches" if method == "PATCH" else "puts"] += 1
            view = cl.workload_view(w)
            cur = self.scale_of(view) if sub == "/scale" else view
            if method == "PATCH":
                new = self.apply_patch(cur, body)
            else:
                try:
                    new = json.loads(body or b"null")
                except ValueError:
                    raise bad_request("invalid body")
                if not isinstance(new, dict):
                    raise bad_request("invalid body")
                rv = (new.get("metadata") or {}).get("resourceVersion")
                if rv and rv != cur["metadata"]["resourceVersion"]:
                    raise ApiError(409, "Conflict", 'Operation cannot be fulfilled on %s.%s "%s": the object has '
                                   "been modified; please apply your changes to the latest version and try "
                                   "again" % (res, group, name), {"name": name, "group": group, "kind": res})
            if sub == "/scale":
                reps = (new.get("spec") or {}).get("replicas")
                if not isinstance(reps, int) or isinstance(reps, bool) or reps < 0:
                    raise ApiError(422, "Invalid", 'Scale.autoscaling "%s" is invalid: spec.replicas: Invalid '
                                   "value: %s: must be greater than or equal to 0" % (name, json.dumps(reps)),
                                   {"name": name, "group": "autoscaling", "kind": "Scale",
                                    "causes": [{"reason": "FieldValueInvalid", "message": "Invalid value",
                                                "field": "spec.replicas"}]})
                old_reps = w["spec"].get("replicas")
                w["spec"]["replicas"] = reps
                if reps != old_reps:
                    w["metadata"]["generation"] = w["metadata"].get("generation", 1) + 1
            else:
                spec = new.get("spec")
                if not isinstance(spec, dict):
                    raise ApiError(422, "Invalid", '%s.%s "%s" is invalid: spec: Required value' % (
                        kind, group, name))
                if spec != w["spec"]:
                    w["metadata"]["generation"] = w["metadata"].get("generation", 1) + 1
                restarted = (((spec.get("template") or {}).get("metadata") or {}).get("annotations") or {}).get(
                    "kubectl.kubernetes.io/restartedAt")
                old_restarted = (((w["spec"].get("template") or {}).get("metadata") or {}).get(
                    "annotations") or {}).get("kubectl.kubernetes.io/restartedAt")
                w["spec"] = spec
                nm = new.get("metadata") or {}
                for k in ("labels", "annotations"):
                    if k in nm:
                        w["metadata"][k] = nm[k]
                if self.server.controller and restarted and restarted != old_restarted:
                    self.server.restart_later(key)
            w["metadata"]["resourceVersion"] = str(cl.bump())
            if self.server.controller:
                self.server.reconcile_later(key)
            view = cl.workload_view(w)
        return self.send_json(200, self.scale_of(view) if sub == "/scale" else view)

    def watch_workloads(self, kind, group, ns, match):
        """A watch on Deployments, StatefulSets…: their views (status
        computed from the pods) compared on every change, for kubectl
        rollout status. ADDED for all first when no resourceVersion."""
        cl = self.cl
        try:
            timeout = float(self.q.get("timeoutSeconds") or 0) or 1800
        except ValueError:
            raise bad_request("invalid timeoutSeconds")

        def snapshot():
            out = {}
            for k, w in sorted(cl.workloads.items()):
                if w["kind"] == kind and (not ns or w["metadata"]["namespace"] == ns) and match(w):
                    out[k] = json.dumps(cl.workload_view(w), separators=(",", ":"))
            return out
        with cl.cond:
            cl.stats["watches"] += 1
            seen = snapshot()
            kill, mode_gen = cl.kill_gen, cl.mode_gen
        self.start_chunked("application/json")
        if (self.q.get("resourceVersion") or "") in ("", "0"):
            self.chunk("".join('{"type":"ADDED","object":%s}\n' % v for v in seen.values()))
        deadline = time.time() + timeout
        while time.time() < deadline:
            with cl.cond:
                cl.cond.wait(0.5)
                if cl.kill_gen != kill or cl.mode_gen != mode_gen:
                    break
                now = snapshot()
            out = []
            for k, v in now.items():
                if k not in seen:
                    out.append('{"type":"ADDED","object":%s}\n' % v)
                elif seen[k] != v:
                    out.append('{"type":"MODIFIED","object":%s}\n' % v)
            for k, v in seen.items():
                if k not in now:
                    out.append('{"type":"DELETED","object":%s}\n' % v)
            seen = now
            self.chunk("".join(out))
        self.end_chunked()

    @staticmethod
    def scale_of(w):
        meta = w["metadata"]
        sel = (w["spec"].get("selector") or {}).get("matchLabels") or {}
        return {"kind": "Scale", "apiVersion": "autoscaling/v1",
                "metadata": {"name": meta["name"], "namespace": meta["namespace"], "uid": meta["uid"],
                             "resourceVersion": meta["resourceVersion"],
                             "creationTimestamp": meta["creationTimestamp"]},
                "spec": {"replicas": w["spec"].get("replicas", 0)},
                "status": {"replicas": w["status"].get("replicas", 0),
                           "selector": ",".join("%s=%s" % kv for kv in sorted(sel.items()))}}

    def access_review(self, body):
        cl = self.cl
        try:
            req = json.loads(body or b"null")
            spec = req["spec"]
        except (ValueError, KeyError, TypeError):
            raise bad_request("the body must be a SelfSubjectAccessReview")
        with cl.cond:
            cl.stats["reviews"] += 1
            ra = spec.get("resourceAttributes")
            allowed = True
            if ra:
                res = ra.get("resource", "")
                if ra.get("subresource"):
                    res += "/" + ra["subresource"]
                allowed = not cl.denied(self.user, ra.get("verb", ""), res, ra.get("namespace") or None)
        status = {"allowed": allowed}
        if allowed:
            status["reason"] = 'RBAC: allowed by RoleBinding "fleet-operator/atlasmesh-prod" of ClusterRole ' \
                               '"admin" to User "%s"' % self.user
        self.send_json(201, {"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
                             "metadata": {"creationTimestamp": None}, "spec": spec, "status": status})

    # -- control

    def control(self, method, what, body):
        cl = self.cl
        q = self.q

        def reply(obj=None):
            out = {"ok": True}
            out.update(obj or {})
            with cl.cond:
                out.setdefault("resourceVersion", str(cl.rv))
            self.send_json(200, out)

        def parse_body():
            try:
                obj = json.loads(body or b"null")
            except ValueError as err:
                raise bad_request("bad JSON body: %s" % err)
            if not isinstance(obj, dict):
                raise bad_request("the body must be a Pod or {\"pod\": Pod, \"kubectl\": {...}}")
            if "pod" in obj:
                return obj["pod"], obj.get("kubectl")
            return obj, None

        if what == "add":
            pod, kub = parse_body()
            with cl.cond:
                meta = pod.setdefault("metadata", {})
                key = "%s/%s" % (meta.get("namespace") or cl.args.namespace or DEFAULT_NS, meta.get("name"))
                if key in cl.pods:
                    raise ApiError(409, "AlreadyExists", 'pods "%s" already exists' % meta.get("name"))
                e = cl.put_pod(pod, kub)
                cl.derive_owner(e["pod"])
                return reply({"uid": e["pod"]["metadata"]["uid"], "name": e["pod"]["metadata"]["name"]})
        if what == "modify":
            pod, kub = parse_body()
            with cl.cond:
                meta = pod.get("metadata") or {}
                ns = meta.get("namespace") or q.get("ns") or cl.args.namespace or DEFAULT_NS
                name = meta.get("name") or q.get("name")
                key = "%s/%s" % (ns, name)
                if key not in cl.pods:
                    raise not_found("pods", name)
                old = cl.pods[key]
                if q.get("merge") in ("1", "true"):
                    pod = merge_patch(old["pod"], pod)
                    if kub is None:
                        kub = merge_patch(old["kubectl"], {}) if pod.get("status") == old["pod"].get("status") else None
                pod.setdefault("metadata", {}).update({"namespace": ns, "name": name})
                e = cl.put_pod(pod, kub)
                return reply({"uid": e["pod"]["metadata"]["uid"]})
        if what == "delete":
            with cl.cond:
                key = "%s/%s" % (q.get("ns") or cl.args.namespace or DEFAULT_NS, q.get("name"))
                if key not in cl.pods:
                    raise not_found("pods", q.get("name"))
                cl.remove_pod(key)
            return reply()
        if what == "expire":
            with cl.cond:
                cl.expire(q.get("how") or "close")
            return reply()
        if what == "close-watches":
            with cl.cond:
                cl.kill_gen += 1
                cl.kill_how = "close"
                cl.cond.notify_all()
            return reply()
        if what == "mode":
            m = q.get("m", "ok")
            if m not in ("ok", "hang", "garbage", "huge", "500", "401"):
                raise bad_request("mode must be ok|hang|garbage|huge|500|401")
            with cl.cond:
                if m != cl.mode:
                    cl.mode = m
                    cl.mode_gen += 1
                    cl.cond.notify_all()
            return reply({"mode": m})
        if what in ("deny", "allow"):
            verb, res = q.get("verb"), q.get("resource")
            rule = (verb, res, q.get("ns") or None, q.get("user") or None)
            with cl.cond:
                if what == "deny":
                    if not verb or not res:
                        raise bad_request("deny needs verb= and resource=")
                    if rule not in cl.deny:
                        cl.deny.append(rule)
                elif not verb and not res:
                    cl.deny = []
                else:
                    cl.deny = [r for r in cl.deny if r[:2] != (verb, res)]
                rules = [dict(zip(("verb", "resource", "ns", "user"), r)) for r in cl.deny]
            return reply({"deny": rules})
        if what == "format":
            f = q.get("f", "table")
            if f not in ("table", "list"):
                raise bad_request("format must be table|list")
            with cl.cond:
                cl.fmt = f
            return reply({"format": f})
        if what == "metrics":
            with cl.cond:
                cl.metrics_on = q.get("m", "on") in ("on", "1", "true")
            return reply({"metrics": cl.metrics_on})
        if what == "token":
            t = q.get("t") or body.decode().strip()
            if not t:
                raise bad_request("token= is empty")
            with cl.cond:
                cl.token = t
            self.server.write_token(t)
            return reply()
        if what == "log":
            key = "%s/%s/%s" % (q.get("ns") or DEFAULT_NS, q.get("pod"), q.get("container"))
            lines = body.decode("utf-8", "replace").splitlines()
            with cl.cond:
                pkey = key.rsplit("/", 1)[0]
                if pkey not in cl.pods:
                    raise not_found("pods", q.get("pod"))
                store = cl.logs.setdefault(key, {})
                if "current" not in store:
                    store["current"] = gen_log_lines(cl.pods[pkey]["pod"], q.get("container"), False)
                store["current"].extend(lines)
                cl.cond.notify_all()
            return reply({"lines": len(lines)})
        if what == "requests":
            with cl.cond:
                out = list(cl.requests)
                if q.get("clear") in ("1", "true"):
                    cl.requests = []
            return self.send_json(200, out)
        if what == "stats":
            with cl.cond:
                out = dict(cl.stats)
                out["users"] = dict(cl.users)
                out["pods"] = len(cl.pods)
                out["resourceVersion"] = str(cl.rv)
                out["compacted"] = str(cl.compacted)
                out["mode"] = cl.mode
                out["format"] = cl.fmt
            return self.send_json(200, out)
        if what == "pods":
            with cl.cond:
                out = [{"namespace": k.split("/")[0], "name": k.split("/", 1)[1],
                        "uid": cl.pods[k]["pod"]["metadata"]["uid"], "kubectl": cl.pods[k]["kubectl"],
                        "deleting": bool(cl.pods[k]["pod"]["metadata"].get("deletionTimestamp"))} for k in cl.keys]
            return self.send_json(200, out)
        raise ApiError(404, "NotFound", "unknown fixture control %r" % what)


def log(server, line):
    with server.log_lock:
        server.log_file.write("%s %s\n" % (now_ts(), line))
        server.log_file.flush()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        err = sys.exc_info()[1]
        log(self, "connection error (%s): %s" % ("tls" if self.tls else "plain", err))


class Fixture:
    """What both listeners share: the cluster and the little kubelet and
    controller that finish deletes and (with --controller) replace
    deleted pods and follow scale."""

    def __init__(self, args, cl):
        self.args = args
        self.cl = cl
        self.log_lock = threading.Lock()
        self.log_file = open(os.path.join(args.dir, "fixture.log"), "a")

    def setup(self, srv, tls):
        srv.tls = tls
        srv.cl = self.cl
        srv.log_lock = self.log_lock
        srv.log_file = self.log_file
        srv.bookmark_seconds = self.args.bookmark_seconds
        srv.delete_seconds = self.args.delete_seconds
        srv.controller = self.args.controller
        srv.finish_delete = self.finish_delete
        srv.replace_later = self.replace_later
        srv.restart_later = self.restart_later
        srv.reconcile_later = self.reconcile_later
        srv.write_token = self.write_token

    def write_token(self, t):
        path = os.path.join(self.args.dir, "token")
        with open(path + ".tmp", "w") as f:
            f.write(t + "\n")
        os.replace(path + ".tmp", path)

    def finish_delete(self, key, uid):
        cl = self.cl
        with cl.cond:
            e = cl.pods.get(key)
            if e and e["pod"]["metadata"]["uid"] == uid:
                cl.remove_pod(key)
                if self.args.controller:
                    self.replace_later(e["pod"])

    # -- the mini controller (--controller)

    def owner_of(self, pod):
        for ref in pod["metadata"].get("ownerReferences") or []:
            if ref.get("controller") and ref.get("kind") in ("ReplicaSet", "StatefulSet"):
                return "%s/%s/%s" % (pod["metadata"]["namespace"], ref["kind"], ref["name"])
        return None

    def replace_later(self, pod):
        okey = self.owner_of(pod)
        if okey:
            threading.Timer(0.5, self.reconcile, (okey,)).start()

    def reconcile_later(self, key):
        threading.Timer(0.3, self.reconcile, (key,)).start()

    def restart_later(self, key):
        threading.Thread(target=self.rolling_restart, args=(key,), daemon=True).start()

    def target_rs(self, dkey):
        cl = self.cl
        d = cl.workloads.get(dkey)
        if not d:
            return None
        return "%s/ReplicaSet/%s" % (d["metadata"]["namespace"], d["metadata"].get("_rs"))

    def reconcile(self, key):
        """Bring the pod count of a Deployment (its newest ReplicaSet), a
        ReplicaSet or a StatefulSet to spec.replicas."""
        cl = self.cl
        with cl.cond:
            w = cl.workloads.get(key)
            if not w:
                return
            if w["kind"] == "Deployment":
                rs_key = self.target_rs(key)
                rs = cl.workloads.get(rs_key)
                if not rs:
                    return
                want = w["spec"].get("replicas", 0)
                others = [e for e in cl.owned_pods(w) if not e["pod"]["metadata"].get("deletionTimestamp")
                          and not any(r.get("name") == rs["metadata"]["name"]
                                      for r in e["pod"]["metadata"].get("ownerReferences") or [])]
                want = max(0, want - len(others))
                rs["spec"]["replicas"] = want
                w, key = rs, rs_key
            want = w["spec"].get("replicas", 0)
            live = [e for e in cl.owned_pods(w) if not e["pod"]["metadata"].get("deletionTimestamp")]
            grow = want - len(live)
            if w["kind"] == "StatefulSet" and grow > 0:
                # An ordinal comes back only once its old pod is gone.
                grow = want - len(cl.owned_pods(w))
            if grow > 0:
                for _ in range(grow):
                    self.new_pod(w, live)
            elif grow < 0:
                victims = sorted(live, key=lambda e: e["pod"]["metadata"]["creationTimestamp"], reverse=True)
                if w["kind"] == "StatefulSet":
                    victims = sorted(live, key=lambda e: e["pod"]["metadata"]["name"], reverse=True)
                for e in victims[:-grow]:
                    self.terminate(e)

    def terminate(self, e):
        cl = self.cl
        pod = copy.deepcopy(e["pod"])
        key = "%s/%s" % (pod["metadata"]["namespace"], pod["metadata"]["name"])
        if not pod.get("spec", {}).get("nodeName"):
            cl.remove_pod(key)
            return
        pod["metadata"]["deletionTimestamp"] = now_ts(time.time() + 30)
        pod["metadata"]["deletionGracePeriodSeconds"] = 30
        kub = dict(e["kubectl"])
        kub["status"] = "Terminating"
        cl.put_pod(pod, kub)
        threading.Timer(self.args.delete_seconds, self.finish_delete, (key, pod["metadata"]["uid"])).start()

    def new_pod(self, w, live):
        cl = self.cl
        meta = w["metadata"]
        ns = meta["namespace"]
        tmpl = w["spec"]["template"]
        if w["kind"] == "StatefulSet":
            taken = {e["pod"]["metadata"]["name"] for e in live}
            i = 0
            while "%s-%d" % (meta["name"], i) in taken or "%s/%s-%d" % (ns, meta["name"], i) in cl.pods:
                i += 1
            name = "%s-%d" % (meta["name"], i)
        else:
            while True:
                name = "%s-%s" % (meta["name"], "".join(cl.rng.choice(SUFFIX_CHARS) for _ in range(5)))
                if "%s/%s" % (ns, name) not in cl.pods:
                    break
        labels = dict(tmpl["metadata"].get("labels") or {})
        pod = {"metadata": {"name": name, "namespace": ns, "labels": labels,
                            "annotations": dict(tmpl["metadata"].get("annotations") or {}),
                            "ownerReferences": [{"apiVersion": "apps/v1", "kind": w["kind"], "name": meta["name"],
                                                 "uid": meta["uid"], "controller": True,
                                                 "blockOwnerDeletion": True}]},
               "spec": copy.deepcopy(tmpl["spec"]),
               "status": {"phase": "Pending", "qosClass": "Burstable"}}
        if w["kind"] == "ReplicaSet":
            pod["metadata"]["generateName"] = meta["name"] + "-"
        if not pod["metadata"]["annotations"]:
            del pod["metadata"]["annotations"]
        nodes = sorted({e["pod"]["spec"].get("nodeName") for e in cl.pods.values()
                        if e["pod"].get("spec", {}).get("nodeName")})
        node = cl.rng.choice(nodes) if nodes else "ip-10-20-11-37.me-central-1.compute.internal"
        pod["spec"]["nodeName"] = node
        t = now_ts()
        pod["status"].update({
            "conditions": [{"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                            "lastTransitionTime": t}],
            "hostIP": "10.20.0.1", "startTime": t,
            "containerStatuses": [{"name": c["name"], "state": {"waiting": {"reason": "ContainerCreating"}},
                                   "lastState": {}, "ready": False, "restartCount": 0, "image": c.get("image", ""),
                                   "imageID": "", "started": False} for c in pod["spec"].get("containers") or []]})
        n = len(pod["spec"].get("containers") or [])
        e = cl.put_pod(pod, {"status": "ContainerCreating", "ready": "0/%d" % n, "restarts": 0})
        threading.Timer(1.5, self.start_pod, ("%s/%s" % (ns, name), e["pod"]["metadata"]["uid"])).start()

    def start_pod(self, key, uid):
        cl = self.cl
        with cl.cond:
            e = cl.pods.get(key)
            if not e or e["pod"]["metadata"]["uid"] != uid or e["pod"]["metadata"].get("deletionTimestamp"):
                return
            pod = copy.deepcopy(e["pod"])
            t = now_ts()
            ip = "10.20.%d.%d" % (40 + cl.rng.randrange(4), cl.rng.randrange(2, 250))
            st = pod["status"]
            st["phase"] = "Running"
            st["podIP"] = ip
            st["podIPs"] = [{"ip": ip}]
            st["conditions"] = [{"type": c, "status": "True", "lastProbeTime": None, "lastTransitionTime": t}
                                for c in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                                          "PodScheduled")]
            for c in st["containerStatuses"]:
                c["state"] = {"running": {"startedAt": t}}
                c["ready"] = True
                c["started"] = True
                c["containerID"] = "containerd://" + hashlib.sha256((uid + c["name"]).encode()).hexdigest()
            n = len(st["containerStatuses"])
            cl.put_pod(pod, {"status": "Running", "ready": "%d/%d" % (n, n), "restarts": 0})

    def rolling_restart(self, key):
        """A new ReplicaSet for the Deployment and its pods replaced one at
        a time (a StatefulSet's pods are replaced in place, highest first)."""
        cl = self.cl
        with cl.cond:
            w = cl.workloads.get(key)
            if not w:
                return
            if w["kind"] == "Deployment":
                meta = w["metadata"]
                n = int(hashlib.sha1(json.dumps(w["spec"]["template"], sort_keys=True).encode()).hexdigest(), 16)
                h = "".join(SUFFIX_CHARS[(n >> (5 * i)) % len(SUFFIX_CHARS)] for i in range(10))
                rs_name = "%s-%s" % (meta["name"], h)
                rs_key = "%s/ReplicaSet/%s" % (meta["namespace"], rs_name)
                old_rs = cl.workloads.get(self.target_rs(key))
                if rs_key not in cl.workloads and old_rs:
                    rs = copy.deepcopy(old_rs)
                    rs["metadata"].update({"name": rs_name, "uid": str(uuid.uuid4()), "creationTimestamp": now_ts(),
                                           "resourceVersion": str(cl.bump())})
                    rs["metadata"]["labels"]["pod-template-hash"] = h
                    rs["spec"]["selector"]["matchLabels"]["pod-template-hash"] = h
                    rs["spec"]["template"] = copy.deepcopy(w["spec"]["template"])
                    rs["spec"]["template"]["metadata"].setdefault("labels", {})["pod-template-hash"] = h
                    rs["spec"]["replicas"] = 0
                    rev = str(int(meta["annotations"].get("deployment.kubernetes.io/revision", "1")) + 1)
                    rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = rev
                    meta["annotations"]["deployment.kubernetes.io/revision"] = rev
                    cl.workloads[rs_key] = rs
                meta["_rs"] = rs_name
                old = [e for e in cl.owned_pods(w) if not any(r.get("name") == rs_name for r in
                                                              e["pod"]["metadata"].get("ownerReferences") or [])]
            else:
                old = sorted(cl.owned_pods(w), key=lambda e: e["pod"]["metadata"]["name"], reverse=True)
        for e in old:
            with cl.cond:
                cur = cl.pods.get("%s/%s" % (e["pod"]["metadata"]["namespace"], e["pod"]["metadata"]["name"]))
                if not cur or cur["pod"]["metadata"]["uid"] != e["pod"]["metadata"]["uid"]:
                    continue
                okey = self.owner_of(cur["pod"])
                if w["kind"] == "Deployment" and okey in cl.workloads:
                    rs = cl.workloads[okey]["spec"]
                    rs["replicas"] = max(0, rs.get("replicas", 0) - 1)
                self.terminate(cur)
            time.sleep(self.args.delete_seconds + 0.2)
            self.reconcile(key)
            time.sleep(1.7)

    # -- churn (the demo)

    def churn(self, every):
        cl = self.cl
        tick = 0
        while True:
            time.sleep(every)
            tick += 1
            with cl.cond:
                if not cl.keys or cl.mode != "ok":
                    continue
                crash = [k for k in cl.keys if cl.pods[k]["kubectl"].get("status") == "CrashLoopBackOff"]
                if crash and tick % 3 == 0:
                    key = cl.rng.choice(crash)
                    e = cl.pods[key]
                    pod = copy.deepcopy(e["pod"])
                    for c in pod["status"].get("containerStatuses") or []:
                        if "waiting" in (c.get("state") or {}):
                            t = time.time()
                            c["restartCount"] = int(c.get("restartCount") or 0) + 1
                            c["lastState"] = {"terminated": {"exitCode": 1, "reason": "Error",
                                                             "startedAt": now_ts(t - 28), "finishedAt": now_ts(t),
                                                             "containerID": "containerd://" + hashlib.sha256(
                                                                 str(t).encode()).hexdigest()}}
                    kub = dict(e["kubectl"])
                    kub["restarts"] = int(kub.get("restarts") or 0) + 1
                    cl.put_pod(pod, kub)
                    cl.kubelet_event(pod, "BackOff", "Back-off restarting failed container", "Warning")
                    continue
                key = cl.rng.choice(cl.keys)
                e = cl.pods[key]
                if e["pod"]["metadata"].get("deletionTimestamp"):
                    continue
                pod = copy.deepcopy(e["pod"])
                pod["metadata"].setdefault("annotations", {})["atlasmesh.ae/last-heartbeat"] = now_ts()
                cl.put_pod(pod, e["kubectl"])


def main():
    ap = argparse.ArgumentParser(description="A Kubernetes API server fixture for amconsole's tests.")
    ap.add_argument("--dir", required=True, help="state directory: ready, fixture.log, token")
    ap.add_argument("--port", type=int, required=True, help="plain HTTP port on 127.0.0.1 (0: pick one)")
    ap.add_argument("--token", required=True, help="the bearer token API requests must carry")
    ap.add_argument("--user", default=TOKEN_USER, help="the user the token authenticates as")
    ap.add_argument("--tls-port", type=int, help="HTTPS port (0: pick one)")
    ap.add_argument("--ca-cert", help="CA that signs client certificates (TLS port)")
    ap.add_argument("--cert", help="server certificate (TLS port)")
    ap.add_argument("--key", help="server key (TLS port)")
    ap.add_argument("--pods", action="append", default=[], help="pod fixture file (repeatable)")
    ap.add_argument("--generate", type=int, default=0, help="add N synthetic pods")
    ap.add_argument("--namespace", help="namespace for generated pods and pods added without one")
    ap.add_argument("--no-metrics", action="store_true", help="no metrics.k8s.io API")
    ap.add_argument("--format", choices=("table", "list"), default="table",
                    help="list: answer PodLists even when a Table is asked for")
    ap.add_argument("--churn", type=float, default=0, help="modify a pod every SECONDS (the demo)")
    ap.add_argument("--controller", action="store_true",
                    help="replace deleted pods, follow scale and rollout restart (on with --churn)")
    ap.add_argument("--bookmark-seconds", type=float, default=3, help="BOOKMARK interval on watches")
    ap.add_argument("--delete-seconds", type=float, default=2, help="how long a deleted pod is Terminating")
    args = ap.parse_args()
    if args.churn:
        args.controller = True
    os.makedirs(args.dir, exist_ok=True)

    cl = Cluster(args)
    for f in args.pods or [DEFAULT_PODS]:
        cl.load_file(f)
    if args.generate:
        cl.generate(args.generate, args.namespace)
    cl.finish_load()

    fx = Fixture(args, cl)
    fx.write_token(args.token)
    Handler.cl = cl
    plain = Server(("127.0.0.1", args.port), Handler)
    fx.setup(plain, False)
    servers = [plain]
    tls_port = None
    if args.tls_port is not None:
        if not (args.cert and args.key and args.ca_cert):
            ap.error("--tls-port needs --cert, --key and --ca-cert")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        ctx.load_verify_locations(args.ca_cert)
        ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.set_alpn_protocols(["http/1.1"])
        tls = Server(("127.0.0.1", args.tls_port), Handler)
        tls.socket = ctx.wrap_socket(tls.socket, server_side=True, do_handshake_on_connect=False)
        fx.setup(tls, True)
        servers.append(tls)
        tls_port = tls.server_port
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    if args.churn:
        threading.Thread(target=fx.churn, args=(args.churn,), daemon=True).start()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    log(plain, "listening on 127.0.0.1:%d%s with %d pods" % (
        plain.server_port, " and TLS 127.0.0.1:%d" % tls_port if tls_port else "", len(cl.pods)))
    ready = os.path.join(args.dir, "ready")
    with open(ready + ".tmp", "w") as f:
        f.write("port=%d\n" % plain.server_port)
        if tls_port:
            f.write("tls_port=%d\n" % tls_port)
        f.write("pid=%d\n" % os.getpid())
    os.replace(ready + ".tmp", ready)
    while not stop.wait(1):
        pass
    log(plain, "stopping")
    try:
        os.unlink(ready)
    except OSError:
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
