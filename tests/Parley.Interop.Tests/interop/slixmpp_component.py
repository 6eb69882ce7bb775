"""Drives slixmpp's ComponentXMPP (Debian's python3-slixmpp) against a Parley server for Parley.Interop.Tests.

Run with /usr/bin/python3 (the Debian interpreter that can import python3-slixmpp):

  slixmpp_component.py echo HOST PORT DOMAIN SECRET
      connects as the external component DOMAIN (XEP-0114, jabber:component:accept) with SECRET,
      prints {"event": "connected"} once the server accepted its handshake, then answers every
      chat message with one from the JID it was sent to, the body prefixed with "echo: ". A
      message whose body is "bye" is answered and then the component disconnects.

  slixmpp_component.py refused HOST PORT DOMAIN SECRET
      connects as DOMAIN with SECRET and expects the server to end the stream without accepting
      the handshake; reports {"event": "refused"}.

The component is slixmpp as it ships. Every step is one JSON object on its own stdout line; the
last line is {"result": "ok"} (exit 0) or {"result": "fail", "reason": ...} (exit 1).
"""

import asyncio
import json
import logging
import os
import sys

from slixmpp.componentxmpp import ComponentXMPP

TIMEOUT = 90


def emit(**fields):
    print(json.dumps(fields), flush=True)


class Echo(ComponentXMPP):
    def __init__(self, domain, secret, host, port):
        super().__init__(domain, secret, host, int(port))
        self.accepted = asyncio.get_event_loop().create_future()
        self.ended = asyncio.get_event_loop().create_future()
        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("disconnected", self.on_disconnected)
        self.add_event_handler("message", self.on_message)

    def on_session_start(self, _):
        emit(client="component", event="connected")
        if not self.accepted.done():
            self.accepted.set_result(True)

    def on_disconnected(self, _):
        if not self.ended.done():
            self.ended.set_result(True)

    def on_message(self, msg):
        if msg["type"] not in ("chat", "normal"):
            return
        body = msg["body"]
        emit(client="component", event="message", frm=msg["from"].full, to=msg["to"].full, body=body)
        msg.reply("echo: " + body).send()
        if body == "bye":
            self.disconnect()


async def echo(host, port, domain, secret):
    component = Echo(domain, secret, host, port)
    component.connect()
    await asyncio.wait_for(component.accepted, TIMEOUT)
    await asyncio.wait_for(component.ended, TIMEOUT)


async def refused(host, port, domain, secret):
    component = Echo(domain, secret, host, port)
    component.connect()
    await asyncio.wait_for(component.ended, TIMEOUT)
    if component.accepted.done():
        raise RuntimeError("the server accepted the handshake")
    emit(client="component", event="refused")


def main():
    if os.environ.get("SLIXMPP_DEBUG"):
        logging.basicConfig(level=logging.DEBUG)
    mode, *arguments = sys.argv[1:]
    runs = {"echo": echo, "refused": refused}
    try:
        asyncio.get_event_loop().run_until_complete(runs[mode](*arguments))
    except Exception as error:  # noqa: BLE001 - any failure is reported as the script's result
        emit(result="fail", reason=f"{type(error).__name__}: {error}")
        sys.exit(1)
    emit(result="ok")


if __name__ == "__main__":
    main()
