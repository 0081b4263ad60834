"""modebench's Python runtime: the recipes run as Python code.

Embedded in the modebench binary (harness/python/CMakeLists.txt turns this
file into a C string) and loaded once into the interpreter modebench
starts (python.c). For each run, Plan(spec) writes the recipe as Python
source (one statement per step, the step's arguments as constants) and
compiles it; each worker then binds it to its own state (Plan.worker).

What the C side does, and this file does not: choose when tasks start
(the closed loop, the open-loop schedule, the deadline), read the clock
and record latencies into the worker's histograms. A blocking worker's C
loop times each task around one call of the task function built here; an
asyncio worker's task slots call _modebench.take, start and done around
the same body. The harness's own part of a task allocates no Python
object (no argument tuples, no iterators, no integers beyond the cached
small ones; steps' arguments are constants of the generated code). What a
step's own Python code allocates (the kernel's integers, asyncio's futures
and timers, the socket's bytes) is part of what the step measures.
"""
import asyncio
import mmap
import os
import random
import socket
import time

import _modebench as M

# ---- the kernel ------------------------------------------------------------


def kernel(x, n):
    """n work units from state x, returning the new state. One unit is 8
    rounds of the 64-bit multiply-add-xorshift chain of the C kernel
    (workloads/cpu.c), so kernel(x, 32 * n) == mb_cpu_kernel(x, n): the
    same function, computed with Python's integers."""
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 29
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 29
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 29
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 29
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 29
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 29
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 29
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 29
    return x


def calibrate():
    """Kernel units per second on this core, as the C calibration measures
    its kernel (harness/engine/calib.c): double a batch until one takes
    over 5 ms, size it to about 20 ms, then the median of five trials."""
    clock = time.perf_counter_ns
    n, x = 16, 1
    while True:
        t0 = clock()
        x = kernel(x, n)
        dt = clock() - t0
        if dt > 5000000:
            n = int(n * 20e6 / dt) + 1
            break
        n *= 2
    rates = []
    for _ in range(5):
        t0 = clock()
        x = kernel(x, n)
        rates.append(n * 1e9 / (clock() - t0))
    rates.sort()
    return rates[2]


def bare_loop(units, tasks):
    """The bare loop scripts/bench-python compares the harness with: the
    kernel called back to back, tasks times, in batches of units, with no
    clock read, no harness and no step in between. Returns seconds."""
    x = 1
    t0 = time.perf_counter_ns()
    for _ in range(tasks):
        x = kernel(x, units)
    return (time.perf_counter_ns() - t0) / 1e9


class Cut(Exception):
    """A long step stopped before its end because the run is stopping: its
    task did not complete and is not counted (no error)."""


# ---- steps: one factory per kind, bound to a worker's state --------------
# st, a worker's state: [kernel state, bytes moved, cpu steps left before
# an injected fault (MB_FAULT_PY_RAISE), or -1].


def cpu_step(st, stopping):
    """cpu:N: N kernel units; a step over 1024 units looks at the stop flag
    every 256 (as the C step does) and raises Cut when the run stops."""
    def cpu(n):
        if st[2] >= 0:
            st[2] -= 1
            if st[2] < 0:
                return 1 // 0  # MB_FAULT_PY_RAISE: a real ZeroDivisionError
        x = st[0]
        if n <= 1024:
            st[0] = kernel(x, n)
            return
        done = 0
        while done < n:
            c = n - done if n - done < 256 else 256
            x = kernel(x, c)
            done += c
            if done < n and stopping():
                st[0] = x
                raise Cut
        st[0] = x
    return cpu


def mem_step(st, size):
    """mem:BYTES: one copy of BYTES from the worker's source bytearray to
    its destination (a memoryview slice assignment: a memcpy inside
    CPython, made holding the interpreter lock). Both buffers are as large
    as the recipe's largest mem step and written once in set-up; BYTES read
    plus BYTES written are counted."""
    src = memoryview(bytearray(b"\x01") * size)
    dst = memoryview(bytearray(size))

    def mem(n):
        dst[:n] = src[:n]
        st[1] += 2 * n
    return mem


def _response_head(readline, want):
    """Reads the delay service's answer head; returns its length."""
    line = readline(65536)
    n = len(line)
    if not line.startswith(b"HTTP/1.1 200 "):
        if not line:
            raise ConnectionResetError("the delay service closed the connection")
        raise ConnectionError("the delay service answered %r" % line[:40])
    length = -1
    while True:
        line = readline(65536)
        if not line:
            raise ConnectionResetError("the delay service closed the connection")
        n += len(line)
        if line == b"\r\n":
            break
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length != want:
        raise ConnectionError("the delay service sent %d bytes, not %d" % (length, want))
    return n


class NetLane:
    """net: one keep-alive connection to the delay service, opened in
    set-up (TCP_NODELAY), read through a buffered file object as
    http.client does, closed with a zero linger (no TIME_WAIT left)."""

    def __init__(self, st, host, port):
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb")
        sendall, readline, read = self.sock.sendall, self.file.readline, self.file.read

        def net(req, want):
            sendall(req)
            n = _response_head(readline, want)
            if want and len(read(want)) != want:
                raise ConnectionResetError("the delay service closed the connection")
            st[1] += n + want
        self.step = net

    def close(self):
        self.file.close()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
        self.sock.close()


class AsyncNetLane:
    """net in async modes: the same connection as asyncio streams, opened
    in set-up on the worker's loop."""

    def __init__(self, st, loop, host, port):
        self.reader, self.writer = loop.run_until_complete(
            asyncio.open_connection(host, port))
        reader, writer = self.reader, self.writer

        async def net(req, want):
            writer.write(req)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200 "):
                raise ConnectionError("the delay service answered %r" % head[:40])
            at = head.lower().find(b"\r\ncontent-length:")
            length = int(head[at + 17:head.index(b"\r\n", at + 2)]) if at >= 0 else -1
            if length != want:
                raise ConnectionError("the delay service sent %d bytes, not %d" %
                                      (length, want))
            if want:
                await reader.readexactly(want)
            st[1] += len(head) + want
        self.step = net

    def close(self):
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
        self.writer.close()


class FileLane:
    """file:BYTES: a random 4 KiB-aligned read of BYTES from the test file
    with os.preadv into the lane's own page-aligned buffer (an anonymous
    mmap, so --direct works); in async modes through the loop's default
    thread pool, loop.run_in_executor(None, os.preadv, ...), since asyncio
    has no way to wait for a regular file."""

    def __init__(self, st, fd, file_size, sizes, seed, loop=None):
        self.mm = mmap.mmap(-1, max(4096, (max(sizes) + 4095) // 4096 * 4096))
        self.views = {n: memoryview(self.mm)[:n] for n in sizes}
        bufs = {n: [v] for n, v in self.views.items()}
        slots = {n: (file_size - n) // 4096 + 1 for n in sizes}
        pick = random.Random(seed).randrange
        preadv = os.preadv

        def read(n):
            got = preadv(fd, bufs[n], pick(slots[n]) * 4096)
            if got != n:
                raise OSError("short read of the test file: %d of %d bytes" % (got, n))
            st[1] += n
        self.step = read
        if loop is not None:
            rie = loop.run_in_executor

            async def aread(n):
                got = await rie(None, preadv, fd, bufs[n], pick(slots[n]) * 4096)
                if got != n:
                    raise OSError("short read of the test file: %d of %d bytes" % (got, n))
                st[1] += n
            self.step = aread

    def close(self):
        self.step = None
        for v in self.views.values():
            v.release()
        self.mm.close()


# ---- the generated code -----------------------------------------------------
# A recipe's spec, from C (python.c): (stages, async, trace), a
# stage a tuple of branches, a branch a tuple of steps (kind, a, b, req):
# cpu (units), sleep (ns), net (delay ns, body bytes, the request's bytes),
# file (bytes), mem (bytes).

WAITS = ("sleep", "net", "file")


class Plan:
    """One run's recipe as Python source, compiled once in the runner and
    bound to each worker's state by worker()."""

    def __init__(self, spec):
        self.stages, self.is_async, self.trace = spec
        self.lines = {}  # generated line -> step text, for errors
        self.source = self._source()
        ns = {}
        exec(compile(self.source, "<recipe>", "exec"), ns)
        self.make = ns["make"]

    def _step(self, out, ind, s, lane, stage, branch, pos, slot):
        kind, a, b, req = s
        aw = "await " if self.is_async and kind in WAITS else ""
        if self.trace:
            out.append("%sTB(%s, %d)" % (ind, slot, lane))
        if kind == "cpu":
            call = "CPU(%d)" % a
        elif kind == "mem":
            call = "MEM(%d)" % a
        elif kind == "sleep":
            call = "SLEEP(%r)" % (a / 1e9)
        elif kind == "net":
            call = "N%d(%r, %d)" % (lane, req, b)
        else:
            call = "F%d(%d)" % (lane, a)
        self.lines[len(out) + 1] = "%s:%d" % (kind, a)
        out.append(ind + aw + call)
        if self.trace:
            out.append("%sTE(%s, %d, %d, %d, %d, %d)" % (ind, slot, lane, kind in WAITS,
                                                        stage, branch, pos))

    def _branch(self, out, ind, br, lane, stage, branch, slot):
        if not br:
            out.append(ind + "pass")
        for pos, s in enumerate(br):
            self._step(out, ind, s, lane, stage, branch, pos, slot)

    def _source(self):
        lanes = max(len(st) for st in self.stages)
        args = ", ".join(["CPU", "MEM", "SLEEP", "TB", "TE", "TAKE", "START", "DONE",
                          "FAIL", "GATHER", "Cut", "LANES"])
        out = ["def make(%s):" % args]
        if not self.is_async:
            # Blocking: one lane, the branches of a group one after another.
            out.append("    N0, F0 = LANES[0]")
            out.append("    def task():")
            for si, st in enumerate(self.stages):
                for bi, br in enumerate(st):
                    self._branch(out, "        ", br, 0, si, bi, "0")
            out.append("    return task")
            return "\n".join(out) + "\n"
        # Async: a group's branches are coroutines run by asyncio.gather,
        # each on its own lane (connection, buffer).
        for si, st in enumerate(self.stages):
            if len(st) < 2:
                continue
            for bi, br in enumerate(st):
                out.append("    async def b%d_%d(i, N%d, F%d):" % (si, bi, bi, bi))
                self._branch(out, "        ", br, bi, si, bi, "i")
        out.append("    async def slot(i):")
        out.append("        %s = LANES[i]" % ", ".join("N%d, F%d" % (b, b)
                                                   for b in range(lanes)))
        out.append("        try:")
        out.append("            while True:")
        out.append("                d = TAKE(i)")
        out.append("                if d is False:")
        out.append("                    return")
        out.append("                if d is not True:")
        out.append("                    await SLEEP(d)")
        out.append("                    START(i)")
        for si, st in enumerate(self.stages):
            if len(st) < 2:
                self._branch(out, "                ", st[0], 0, si, 0, "i")
            else:
                out.append("                await GATHER(%s)" % ", ".join(
                    "b%d_%d(i, N%d, F%d)" % (si, b, b, b) for b in range(len(st))))
        out.append("                DONE(i)")
        out.append("        except Cut:")
        out.append("            return")
        out.append("        except BaseException as e:")
        out.append("            FAIL(e)")
        out.append("    return slot")
        return "\n".join(out) + "\n"

    def step_of(self, exc):
        """The recipe step exc was raised in ("cpu:200"), or None."""
        tb, found = exc.__traceback__, None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == "<recipe>":
                found = self.lines.get(tb.tb_lineno, found)
            tb = tb.tb_next
        return found

    def worker(self, seed, host, port, fd, file_size, fault, nslots):
        return Worker(self, seed, host, port, fd, file_size, fault, nslots)


def _kinds(stages):
    return {s[0]: s for st in stages for br in st for s in br}


def _sizes(stages, kind):
    return sorted({s[1] for st in stages for br in st for s in br if s[0] == kind})


class Worker:
    """One worker's bound task (blocking) or task slots (async), its loop,
    connections and buffers, all made in set-up; close() in teardown."""

    def __init__(self, plan, seed, host, port, fd, file_size, fault, nslots):
        self.plan = plan
        self.nslots = nslots
        self.st = st = [seed | 1, 0, fault]
        self.loop = None
        self.closers = []
        kinds = _kinds(plan.stages)
        mem_sizes = _sizes(plan.stages, "mem")
        file_sizes = _sizes(plan.stages, "file")
        mem = mem_step(st, mem_sizes[-1]) if mem_sizes else None
        if plan.is_async:
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
            nlanes = max(len(s) for s in plan.stages)
            sleep, gather = asyncio.sleep, asyncio.gather
        else:
            nslots, nlanes = 1, 1
            sleep, gather = time.sleep, None
        lanes = []
        for i in range(nslots):
            row = []
            for b in range(nlanes):
                n = f = None
                if "net" in kinds:
                    n = (AsyncNetLane(st, self.loop, host, port) if plan.is_async else
                         NetLane(st, host, port))
                    self.closers.append(n)
                if file_sizes:
                    f = FileLane(st, fd, file_size, file_sizes,
                                 seed + 7919 * (i * nlanes + b), self.loop)
                    self.closers.append(f)
                row += [n and n.step, f and f.step]
            lanes.append(tuple(row))
        if plan.is_async and file_sizes:
            self._start_pool()
        self.fn = plan.make(cpu_step(st, M.stopping), mem, sleep, M.tb, M.te, M.take,
                            M.start, M.done, M.fail, gather, Cut, tuple(lanes))

    def _start_pool(self):
        """Starts the default thread pool's threads in set-up: as many
        reads in flight as the pool has threads, each made to wait."""
        from concurrent.futures import ThreadPoolExecutor
        loop = self.loop
        pool = ThreadPoolExecutor()
        loop.set_default_executor(pool)

        async def fill():
            await asyncio.gather(*[loop.run_in_executor(None, time.sleep, 0.005)
                                   for _ in range(pool._max_workers)])
        loop.run_until_complete(fill())

    def run_async(self):
        """The asyncio worker's run: every task slot until none takes
        another task; then what is left of cut tasks is cancelled."""
        loop, slot = self.loop, self.fn
        loop.run_until_complete(asyncio.gather(*[slot(i) for i in range(self.nslots)]))
        left = asyncio.all_tasks(loop)
        for t in left:
            t.cancel()
        if left:
            loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))

    def result(self):
        """The kernel's state and the bytes moved, for the row."""
        return self.st[0] & 0xFFFFFFFFFFFFFFFF, self.st[1]

    def close(self):
        self.fn = None
        for c in self.closers:
            try:
                c.close()
            except OSError:
                pass
        self.closers = []
        if self.loop is not None:
            loop, self.loop = self.loop, None
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            asyncio.set_event_loop(None)
            loop.close()


def describe(plan, exc):
    """One line naming a Python exception and the recipe step it came
    from, for the row's error column."""
    text = ("%s: %s" % (type(exc).__name__, exc)) if str(exc) else type(exc).__name__
    step = plan.step_of(exc) if plan is not None else None
    text = " ".join(text.split())
    return "%s (in the %s step)" % (text, step) if step else text
