#!/usr/bin/env python3
"""A message broker with at-least-once delivery, served over mbt's
subprocess protocol: the Python twin of the Go package
github.com/mbtgo/mbt/examples/queue/broker, tested by the same generated
tests (MBT_QUEUE_IMPL=python go test ./examples/queue).

Usage: python3 broker.py [-lease N] [-quota N] [-bugs list] datadir

The broker reads one JSON request a line on standard input and writes one
JSON response a line on standard output, flushed; it logs to standard error
only, and exits when standard input closes. Every change to its messages is
written to datadir/queue.json (the Go broker's format) through a temporary
file and a rename before the request is answered; leases live in memory
only, so after a kill -9 and a restart every unacked message is
deliverable again.

Time is logical: the action Tick advances the clock by one, and a lease
granted at tick t for N ticks runs out when the clock reaches t+N.

Planted bugs (-bugs, comma-separated), as in the Go broker:
  forgetack     acks are not persisted: after a restart an acked message
                is delivered again
  dropinflight  on start, messages delivered and not acked are dropped
                instead of made deliverable again
  lifo          the newest ready message is delivered first
  ackany        an ack from a consumer that does not hold the lease is
                accepted
  ackexpired    an ack does not end the leases that ran out first, as every
                other operation does: a late ack is accepted unless
                something else looked at the leases since they ran out

Python 3 standard library only.
"""

import json
import os
import sys

NAME = "pyqueue"
PROTOCOL = 1
FILE_NAME = "queue.json"
BUG_NAMES = ("forgetack", "dropinflight", "lifo", "ackany", "ackexpired")
ACTIONS = ("Publish", "Deliver", "Ack", "Tick", "CrashConsumer")
ARITY = {"Publish": 1, "Deliver": 1, "Ack": 2, "Tick": 0, "CrashConsumer": 1}


class Refused(Exception):
    """An operation the broker refuses; it changed nothing."""


class Broker:
    """The broker: durable messages in a file, leases in memory."""

    def __init__(self, datadir, lease, quota, bugs):
        if lease < 1:
            raise ValueError("lease is %d ticks, want at least 1" % lease)
        self.path = os.path.join(datadir, FILE_NAME)
        self.lease = lease
        self.quota = quota
        self.bugs = bugs
        self.now = 0  # the logical clock
        self.leases = {}  # message id -> (consumer, expires)
        try:
            with open(self.path, encoding="utf-8") as f:
                state = json.load(f)
        except FileNotFoundError:
            self.published, self.messages = {}, []
            self.save()
            return
        self.published = state.get("published") or {}
        self.messages = state.get("messages") or []
        if "dropinflight" in bugs:
            self.messages = [m for m in self.messages if not (m["delivered"] and not m["acked"])]

    def save(self, published=None, messages=None):
        """Writes the durable state (the given one, or the current one)
        through a temporary file and a rename, then makes it current."""
        published = self.published if published is None else published
        messages = self.messages if messages is None else messages
        on_disk = messages
        if "forgetack" in self.bugs:
            on_disk = [dict(m, acked=False) for m in messages]
        data = json.dumps({"published": published, "messages": on_disk}, separators=(",", ":"))
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(data + "\n")
        os.replace(tmp, self.path)
        self.published, self.messages = published, messages

    def expire(self):
        """Ends the leases whose time has come. Leases expire lazily: every
        operation that looks at them calls it first; a tick only moves the
        clock."""
        for mid in [mid for mid, (_, exp) in self.leases.items() if self.now >= exp]:
            del self.leases[mid]

    def ready(self, m):
        return not m["acked"] and m["id"] not in self.leases

    def publish(self, producer):
        if producer == "":
            raise Refused("the producer name is empty")
        n = self.published.get(producer, 0) + 1
        if self.quota > 0 and n > self.quota:
            raise Refused("the producer has published its quota of messages (%d)" % self.quota)
        mid = "%s.%d" % (producer, n)
        record = {"id": mid, "producer": producer, "seq": n, "delivered": False, "acked": False}
        self.save(dict(self.published, **{producer: n}), self.messages + [record])
        return mid

    def deliver(self, consumer):
        self.expire()
        if consumer == "":
            raise Refused("the consumer name is empty")
        if any(c == consumer for c, _ in self.leases.values()):
            raise Refused("the consumer already holds a lease")
        order = range(len(self.messages))
        if "lifo" in self.bugs:
            order = reversed(order)
        i = next((i for i in order if self.ready(self.messages[i])), None)
        if i is None:
            raise Refused("no message is ready")
        m = self.messages[i]
        redelivered = m["delivered"]
        if not redelivered:
            messages = list(self.messages)
            messages[i] = dict(m, delivered=True)
            self.save(messages=messages)
        self.leases[m["id"]] = (consumer, self.now + self.lease)
        return {"id": m["id"], "redelivered": redelivered}

    def ack(self, consumer, mid):
        if "ackexpired" not in self.bugs:
            self.expire()
        i = next((i for i, m in enumerate(self.messages) if m["id"] == mid), None)
        if i is None:
            raise Refused("no such message: %s" % json.dumps(mid))
        lease = self.leases.get(mid)
        if lease is None or (lease[0] != consumer and "ackany" not in self.bugs):
            raise Refused("the message is not in flight to this consumer: %s, %s" % (mid, consumer))
        messages = list(self.messages)
        messages[i] = dict(messages[i], acked=True)
        self.save(messages=messages)
        del self.leases[mid]

    def disconnect(self, consumer):
        """The consumer's connection closed: its lease ends at once. The
        broker knows a consumer only while it holds a lease."""
        self.expire()
        held = [mid for mid, (c, _) in self.leases.items() if c == consumer]
        if not held:
            raise Refused("the consumer holds no lease: %s" % consumer)
        for mid in held:
            del self.leases[mid]

    def tick(self):
        self.now += 1

    def reset(self):
        self.save({}, [])
        self.leases.clear()

    def view(self):
        self.expire()
        out = []
        for m in self.messages:
            v = {"id": m["id"], "status": "ready", "delivered": m["delivered"]}
            if m["id"] in self.leases:
                consumer, expires = self.leases[m["id"]]
                v.update(status="inflight", consumer=consumer, expires=expires - self.now)
            if m["acked"]:
                v["status"] = "acked"
            out.append(v)
        return {"messages": out}

    def check(self):
        """Returns the violations of the broker's guarantees, as the Go
        broker's Check does: no lost message, no acked message leased,
        first deliveries in each producer's order, one lease a consumer."""
        self.expire()
        errs = []
        seqs, last, by_id = {}, {}, {}
        for m in self.messages:
            seqs.setdefault(m["producer"], []).append(m["seq"])
            by_id[m["id"]] = m
            if m["delivered"]:
                want = last.get(m["producer"], 0) + 1
                if m["seq"] != want:
                    errs.append("%s was delivered before %s.%d" % (m["id"], m["producer"], want))
                last[m["producer"]] = m["seq"]
        for p in sorted(self.published):
            have = seqs.get(p, [])
            for k in range(1, self.published[p] + 1):
                if k not in have:
                    errs.append("message %s.%d is lost: %s published %d messages, the log has %d"
                                % (p, k, p, self.published[p], len(have)))
        holders = {}
        for mid in sorted(self.leases):
            consumer, expires = self.leases[mid]
            m = by_id.get(mid)
            if m is None:
                errs.append("a lease names %s, which is not in the log" % mid)
            elif m["acked"]:
                errs.append("%s is acked and leased to %s: it could be delivered again" % (mid, consumer))
            if consumer in holders:
                errs.append("%s holds two leases, %s and %s" % (consumer, holders[consumer], mid))
            holders[consumer] = mid
            if expires - self.now > self.lease:
                errs.append("the lease of %s runs %d ticks, more than %d" % (mid, expires - self.now, self.lease))
        return errs

    def step(self, action, args):
        if action not in ARITY:
            raise Refused("unknown action %s" % json.dumps(action))
        if len(args) != ARITY[action]:
            raise Refused("%s takes %d arguments, got %d" % (action, ARITY[action], len(args)))
        for i, a in enumerate(args):
            if not isinstance(a, str):
                raise Refused("%s: argument %d is not a string: %s" % (action, i + 1, json.dumps(a)))
        if action == "Publish":
            return self.publish(args[0])
        if action == "Deliver":
            return self.deliver(args[0])
        if action == "Ack":
            return self.ack(args[0], args[1])
        if action == "Tick":
            return self.tick()
        return self.disconnect(args[0])


def handle(broker, req):
    """Answers one request of protocol 1."""
    resp = {"id": req.get("id"), "ok": True}
    op = req.get("op")
    try:
        if op == "hello":
            resp.update(name=NAME, protocol=PROTOCOL)
            if req.get("protocol") != PROTOCOL:
                raise Refused("this program speaks protocol %d, mbt sent protocol %s" % (PROTOCOL, req.get("protocol")))
            if req.get("model") not in (None, "", "Queue"):
                raise Refused("this is a message broker: it implements model Queue, not %s" % req["model"])
            resp.update(actions=list(ACTIONS), invariants=True)
        elif op == "reset":
            broker.reset()
        elif op == "step":
            out = broker.step(req.get("action"), req.get("args") or [])
            if out is not None:
                resp["output"] = out
        elif op == "view":
            resp["view"] = broker.view()
        elif op == "invariants":
            errs = broker.check()
            if errs:
                raise Refused("\n".join(errs))
        else:
            raise Refused("unknown op %s" % json.dumps(op))
    except Refused as e:
        # As the Go side answers: a refused hello still names the program.
        resp.update(ok=False, error=str(e) or "refused")
    except OSError as e:
        # The durable file could not be written: the step did not happen.
        resp.update(ok=False, error="broker: %s" % e)
    return resp


USAGE = "usage: broker.py [-lease N] [-quota N] [-bugs list] datadir"


def parse_args(argv):
    """Parses the arguments as the Go broker's flag package does: -name
    value or -name=value (or --name), flags before the data directory.
    argparse would double the start-up time, which the tests pay at every
    restart."""
    opts = {"lease": 2, "quota": 0, "bugs": ""}
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "-":
        arg = argv[i]
        i += 1
        if arg == "--":
            break
        name, eq, value = arg.lstrip("-").partition("=")
        if name not in opts:
            raise ValueError("flag provided but not defined: " + arg)
        if not eq:
            if i == len(argv):
                raise ValueError("flag needs an argument: " + arg)
            value = argv[i]
            i += 1
        if name != "bugs":
            try:
                value = int(value)
            except ValueError:
                raise ValueError('invalid value "%s" for flag -%s' % (value, name))
        opts[name] = value
    if len(argv) - i != 1:
        raise ValueError(USAGE)
    opts["datadir"] = argv[i]
    return opts


def main(argv):
    try:
        opts = parse_args(argv)
    except ValueError as e:
        print("pyqueue: %s" % e, file=sys.stderr)
        return 2
    bugs = set(b.strip() for b in opts["bugs"].split(",") if b.strip())
    unknown = sorted(bugs - set(BUG_NAMES))
    if unknown:
        print("pyqueue: unknown bug %s (want one of %s)" % (json.dumps(unknown[0]), ", ".join(BUG_NAMES)), file=sys.stderr)
        return 2
    try:
        broker = Broker(opts["datadir"], opts["lease"], opts["quota"], bugs)
    except (OSError, ValueError) as e:
        print("pyqueue: %s" % e, file=sys.stderr)
        return 1
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
        except ValueError as e:
            print("pyqueue: the request %r is not JSON: %s" % (line[:200], e), file=sys.stderr)
            return 1
        if not isinstance(req, dict):
            print("pyqueue: the request %r is not a JSON object" % line[:200], file=sys.stderr)
            return 1
        sys.stdout.write(json.dumps(handle(broker, req), separators=(",", ":")) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
