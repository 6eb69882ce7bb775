"""What every slixmpp interop script here shares: the JSON step lines and a client that logs in
over STARTTLS to the test server (whose certificate is self-signed) and reports the outcome.

Imported by the scripts beside it (Python puts a script's own folder first on sys.path).
"""

import asyncio
import ssl

import slixmpp

from script_steps import emit  # noqa: F401 - re-exported for the scripts that import it from here

TIMEOUT = 90


class Client(slixmpp.ClientXMPP):
    """A client with the given plugins; online() returns once the session started and presence is out."""

    def __init__(self, label, jid, password, plugins):
        super().__init__(jid, password)
        self.label = label
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        for plugin in plugins:
            self.register_plugin(plugin)
        self.started = asyncio.get_event_loop().create_future()
        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("connection_failed", self.on_failed)
        self.add_event_handler("failed_all_auth", self.on_failed)

    def on_failed(self, error):
        if not self.started.done():
            self.started.set_exception(RuntimeError(f"{self.label}: {error}"))

    def on_session_start(self, _):
        self.send_presence()
        if not self.started.done():
            self.started.set_result(self.boundjid.full)

    async def online(self, host, port):
        self.connect((host, port), force_starttls=True)
        await asyncio.wait_for(self.started, TIMEOUT)
