#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that adds a fixed delay to every round trip.

A shared cache lives across a network; on loopback every request is nearly
free, which hides what a client pays per round trip. This proxy models a
link with a round-trip time of --delay-ms:

* a new connection waits one delay before it is connected upstream (the TCP
  handshake round trip);
* each request waits one delay: the first bytes the client sends after the
  server last answered (or after connecting) are held for --delay-ms before
  they are forwarded. The rest of a request's bytes flow on at once, and so
  do the server's answers, so large bodies are not throttled; only round
  trips cost. Requests on one connection wait their turns one after the
  other, which suits HTTP/1.1 (one request in flight per connection) but not
  HTTP/2 streams: --model link delays every chunk by half the round trip
  each way instead, pipelined, as a real link would.

Bounded by design: it serves at most --max-connections connections, exits
after --max-seconds, and exits when the process --parent-pid is gone (the
benchmark passes its own pid), so a crashed benchmark leaves nothing behind.

    python3 bench/delay_proxy.py --upstream-port 8080 [--delay-ms 20]
    (prints the listening port on its first line of stdout)
"""

import argparse
import asyncio
import os
import signal
import sys


class Counters:
    def __init__(self):
        self.connections = 0
        self.round_trips = 0


async def pump(reader, writer, on_chunk=None):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if on_chunk:
                await on_chunk()
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


class DelayedReader:
    """The chunks of `reader`, each handed out `one_way` seconds after it
    was read, in order, without holding back the reads behind it."""

    def __init__(self, reader, one_way):
        self.queue = asyncio.Queue()
        self.task = asyncio.ensure_future(self.fill(reader, one_way))

    async def fill(self, reader, one_way):
        loop = asyncio.get_running_loop()
        try:
            while True:
                data = await reader.read(65536)
                await self.queue.put((loop.time() + one_way, data))
                if not data:
                    break
        except (ConnectionError, asyncio.CancelledError):
            await self.queue.put((loop.time(), b""))

    async def read(self, _size):
        due, data = await self.queue.get()
        wait = due - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)
        return data


async def pump_link(reader, writer, one_way):
    """Every chunk reaches the other side `one_way` seconds after it was
    read: a link's latency, under which requests multiplexed on one
    connection (HTTP/2 streams) overlap as they would on a real network."""
    delayed = DelayedReader(reader, one_way)
    await pump(delayed, writer)
    await delayed.task


async def handle(client_reader, client_writer, args, counters):
    counters.connections += 1
    delay = args.delay_ms / 1000.0
    if counters.connections > args.max_connections:
        client_writer.close()
        return
    await asyncio.sleep(delay)  # the handshake's round trip
    try:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", args.upstream_port)
    except OSError:
        client_writer.close()
        return
    if args.model == "link":
        counters.round_trips = -1  # not counted: requests may overlap
        await asyncio.gather(pump_link(client_reader, up_writer, delay / 2),
                             pump_link(up_reader, client_writer, delay / 2))
        return
    # True while the next client bytes start a new request (a new round trip).
    state = {"new_request": True}

    async def client_chunk():
        if state["new_request"]:
            state["new_request"] = False
            counters.round_trips += 1
            await asyncio.sleep(delay)

    async def server_chunk():
        state["new_request"] = True

    await asyncio.gather(pump(client_reader, up_writer, client_chunk),
                         pump(up_reader, client_writer, server_chunk))


async def watchdog(args, server, stop):
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < args.max_seconds and not stop.is_set():
        if args.parent_pid:
            try:
                os.kill(args.parent_pid, 0)
            except ProcessLookupError:
                break
        await asyncio.sleep(0.5)
    server.close()


async def main_async(args):
    counters = Counters()
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, args, counters), "127.0.0.1", args.port)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await watchdog(args, server, stop)
    if args.stats_file:
        with open(args.stats_file, "w") as f:
            f.write(f"connections {counters.connections}\nround_trips {counters.round_trips}\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--upstream-port", type=int, required=True, help="server port on 127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="listen port (default: a free one)")
    ap.add_argument("--delay-ms", type=float, default=20.0, help="round-trip delay (default 20)")
    ap.add_argument("--model", choices=("turns", "link"), default="turns",
                    help="turns (default): each request waits one delay before it is forwarded, "
                         "one at a time per connection; link: every chunk is delayed half the "
                         "round trip each way, pipelined (fair to HTTP/2 streams)")
    ap.add_argument("--max-seconds", type=float, default=3600, help="exit after this long")
    ap.add_argument("--max-connections", type=int, default=200000, help="refuse past this many")
    ap.add_argument("--parent-pid", type=int, default=0, help="exit when this process is gone")
    ap.add_argument("--port-file", help="also write the port here (atomically)")
    ap.add_argument("--stats-file", help="write connection and round-trip counts here at exit")
    args = ap.parse_args(argv)
    try:
        asyncio.run(main_async(args))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
