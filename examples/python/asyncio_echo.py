#!/usr/bin/env python3
"""TCP echo server on asyncio, with libmio underneath: the event loop is
asyncio's own SelectorEventLoop, given a mio.Selector instead of the
default selectors.DefaultSelector.  Everything above the selector is
plain asyncio (streams here; Protocols work the same).

    python3 asyncio_echo.py [HOST:PORT]      (default 127.0.0.1:9000)

It prints "listening on HOST:PORT" once it accepts connections.  Each
connection is echoed back until the peer finishes sending, then closed;
writer.drain() is the flow control (a slow reader stops the reads).
"""
from __future__ import annotations

import asyncio
import signal
import sys
from typing import Tuple

import mio


def parse(text: str) -> Tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break  # the peer has finished sending: all echoed
            writer.write(data)
            await writer.drain()  # waits while the peer is slow to read
    except ConnectionError:
        pass  # reset by the peer: nothing left to echo
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except ConnectionError:
            pass


async def serve(host: str, port: int) -> None:
    server = await asyncio.start_server(echo, host, port)
    bound = server.sockets[0].getsockname()
    print("listening on %s:%d" % (bound[0], bound[1]), flush=True)
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with server:
        await stop


def main(argv: list[str]) -> int:
    host, port = parse(argv[1]) if len(argv) > 1 else ("127.0.0.1", 9000)
    loop = asyncio.SelectorEventLoop(mio.Selector())
    try:
        loop.run_until_complete(serve(host, port))
    finally:
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
