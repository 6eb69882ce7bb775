// Drives @xmpp/client (xmpp.js) against a Parley server for Parley.Interop.Tests.
//
//   node xmpp_chat.mjs pair HOST PORT DOMAIN USER1 PASSWORD1 USER2 PASSWORD2 BODY
//       two clients log in; the first sends BODY to the second's full JID; the second must
//       receive it; both close their streams.
//   node xmpp_chat.mjs echo HOST PORT DOMAIN USER PASSWORD PEER BODY
//       one client logs in, sends BODY to PEER (a full JID), waits for one chat message back
//       from PEER, then closes its stream.
//
// Both connect with xmpp://HOST:PORT (STARTTLS required by the client before SASL) and
// authenticate with SCRAM-SHA-1 only. The caller sets NODE_TLS_REJECT_UNAUTHORIZED=0 for the
// test server's self-signed certificate. Every step is one JSON line on stdout; the last is
// {"result":"ok"} (exit 0) or {"result":"fail","reason":...} (exit 1).
import { client, xml } from "@xmpp/client";

const TIMEOUT_MS = 90_000;
const MECHANISM = "SCRAM-SHA-1";

function emit(fields) {
  process.stdout.write(JSON.stringify(fields) + "\n");
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function start(label, host, port, domain, username, password) {
  const messages = [];
  const waiters = [];
  const xmpp = client({
    service: `xmpp://${host}:${port}`,
    domain,
    username,
    // Authentication is driven here so that SCRAM is used and recorded, never PLAIN.
    credentials: async (authenticate, mechanisms, _fast, entity) => {
      if (!entity.isSecure()) {
        throw new Error("refusing to authenticate before STARTTLS");
      }
      if (!mechanisms.includes(MECHANISM)) {
        throw new Error(`${MECHANISM} not offered: ${mechanisms.join(",")}`);
      }
      await authenticate({ username, password }, MECHANISM);
      emit({ client: label, event: "auth", mechanism: MECHANISM, tls: entity.isSecure() });
    },
    timeout: 30_000,
  });
  // One connection per test step: never reconnect behind the test's back.
  xmpp.reconnect.stop();
  xmpp.on("error", (err) => emit({ client: label, event: "error", error: String(err) }));
  xmpp.on("stanza", (stanza) => {
    if (stanza.is("message") && stanza.getChild("body")) {
      const message = { from: stanza.attrs.from, body: stanza.getChildText("body") };
      emit({ client: label, event: "message", frm: message.from, body: message.body });
      const waiter = waiters.shift();
      if (waiter) waiter(message);
      else messages.push(message);
    }
  });
  const address = await withTimeout(xmpp.start(), `${label} login`);
  emit({ client: label, event: "session_start", jid: address.toString() });
  return {
    jid: address.toString(),
    send: (to, body) => xmpp.send(xml("message", { to, type: "chat" }, xml("body", {}, body))),
    nextMessage: () =>
      withTimeout(
        messages.length > 0 ? Promise.resolve(messages.shift()) : new Promise((resolve) => waiters.push(resolve)),
        `${label} message`,
      ),
    close: async () => {
      // RFC 6120 §4.4: clean when the server answered our </stream:stream> with its own. Listen
      // on the parser before stopping: stop()'s own wait can miss a fast answer.
      const serverClosed = new Promise((resolve) => xmpp.parser.once("end", () => resolve(true)));
      await xmpp.stop();
      const clean = await Promise.race([serverClosed, Promise.resolve(false)]);
      emit({ client: label, event: "closed", clean });
      if (!clean) throw new Error(`${label}: the server did not close its stream`);
    },
  };
}

const bare = (jid) => jid.split("/")[0];

async function pair([host, port, domain, user1, password1, user2, password2, body]) {
  const sender = await start("sender", host, port, domain, user1, password1);
  const receiver = await start("receiver", host, port, domain, user2, password2);
  await sender.send(receiver.jid, body);
  const message = await receiver.nextMessage();
  if (message.body !== body || bare(message.from) !== bare(sender.jid)) {
    throw new Error(`unexpected message ${JSON.stringify(message)}`);
  }
  await sender.close();
  await receiver.close();
}

async function echo([host, port, domain, user, password, peer, body]) {
  const me = await start("xmppjs", host, port, domain, user, password);
  await me.send(peer, body);
  const message = await me.nextMessage();
  if (message.from !== peer) {
    throw new Error(`reply came from ${message.from}, not ${peer}`);
  }
  await me.close();
}

try {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === "pair") await pair(args);
  else if (mode === "echo") await echo(args);
  else throw new Error(`unknown mode ${mode}`);
  emit({ result: "ok" });
  process.exit(0);
} catch (err) {
  emit({ result: "fail", reason: String(err?.stack ?? err) });
  process.exit(1);
}
