// Drives @xmpp/client (xmpp.js) against a Parley server for Parley.Interop.Tests.
//
//   node xmpp_chat.mjs pair HOST PORT DOMAIN USER1 PASSWORD1 USER2 PASSWORD2 BODY
//       two clients log in; the first sends BODY to the second's full JID; the second must
//       receive it; both close their streams.
//   node xmpp_chat.mjs echo HOST PORT DOMAIN USER PASSWORD PEER BODY
//       one client logs in, sends BODY to PEER (a full JID), waits for one chat message back
//       from PEER, then closes its stream.
//   node xmpp_chat.mjs im HOST PORT DOMAIN USER1 PASSWORD1 USER2 PASSWORD2 HELLO REPLY LATER
//       "alice" (USER1) and "bob" (USER2) log in, fetch their rosters and send initial presence;
//       alice asks bob for a subscription, bob approves and asks back, alice approves; both must
//       reach subscription "both" through roster pushes and see each other's available presence.
//       alice sends HELLO to bob's full JID and bob answers REPLY. bob closes his stream; once
//       alice has seen him go unavailable she sends LATER to his bare JID; bob logs in again
//       ("bob_again": roster, initial presence) and must receive LATER, stored while he was
//       offline (XEP-0160), with its XEP-0203 delay reported.
//
// All connect with xmpp://HOST:PORT (STARTTLS required by the client before SASL), or with the
// URL in XMPP_SERVICE when set (ws://HOST:PORT/xmpp-websocket: RFC 7395, secure on loopback, no
// STARTTLS; node 20 needs --experimental-websocket), and authenticate with SCRAM-SHA-1 only. The caller sets NODE_TLS_REJECT_UNAUTHORIZED=0 for the
// test server's self-signed certificate. Every step is one JSON line on stdout; the last is
// {"result":"ok"} (exit 0) or {"result":"fail","reason":...} (exit 1).
import { client, xml } from "@xmpp/client";

const TIMEOUT_MS = 90_000;
const MECHANISM = "SCRAM-SHA-1";
const NS_ROSTER = "jabber:iq:roster";
const NS_DELAY = "urn:xmpp:delay";

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

const bare = (jid) => jid.split("/")[0];

// Logs one client in and tracks what the server tells it: chat messages (a queue), its roster
// (bare JID -> subscription), the full JIDs it last saw available, and who asked to subscribe.
async function start(label, host, port, domain, username, password) {
  const messages = [];
  const roster = new Map();
  const available = new Set();
  const requests = new Set();
  // Conditions being awaited, re-checked whenever the state above changes.
  const waiters = new Set();
  const changed = () => waiters.forEach((check) => check());

  const xmpp = client({
    service: process.env.XMPP_SERVICE || `xmpp://${host}:${port}`,
    domain,
    username,
    // Authentication is driven here so that SCRAM is used and recorded, never PLAIN.
    credentials: async (authenticate, mechanisms, _fast, entity) => {
      if (!entity.isSecure()) {
        throw new Error("refusing to authenticate on an insecure transport");
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

  const updateRoster = (query, event) => {
    for (const item of query.getChildren("item")) {
      const { jid, subscription = "none", ask } = item.attrs;
      emit({ client: label, event, contact: jid, subscription, ask: ask ?? null });
      if (subscription === "remove") roster.delete(jid);
      else roster.set(jid, subscription);
    }
    changed();
  };
  xmpp.iqCallee.set(NS_ROSTER, "query", ({ stanza, element }) => {
    // RFC 6121 §2.1.6: a push is genuine only without 'from' or from the account's bare JID;
    // anything else is refused (no result means service-unavailable).
    const from = stanza.attrs.from;
    if (from !== undefined && from !== xmpp.jid.bare().toString()) {
      emit({ client: label, event: "rejected_push", frm: from });
      return undefined;
    }
    updateRoster(element, "roster_push");
    return true;
  });
  xmpp.on("stanza", (stanza) => {
    const from = stanza.attrs.from;
    if (stanza.is("presence")) {
      const type = stanza.attrs.type ?? "available";
      emit({ client: label, event: "presence", frm: from, type });
      if (type === "available") available.add(from);
      else if (type === "unavailable") available.delete(from);
      else if (type === "subscribe") requests.add(bare(from));
      changed();
    } else if (stanza.is("message") && stanza.getChild("body")) {
      const delay = stanza.getChild("delay", NS_DELAY);
      const message = { from, body: stanza.getChildText("body"), delay: delay?.attrs ?? null };
      emit({
        client: label,
        event: "message",
        frm: message.from,
        body: message.body,
        delay_from: delay?.attrs.from ?? null,
        delay_stamp: delay?.attrs.stamp ?? null,
      });
      messages.push(message);
      changed();
    }
  });

  // Resolves with the first truthy value of condition(), checked now and after every change.
  const until = (condition, what) => {
    let check;
    const met = new Promise((resolve) => {
      check = () => {
        const value = condition();
        if (value) {
          waiters.delete(check);
          resolve(value);
        }
      };
      waiters.add(check);
      check();
    });
    return withTimeout(met, `${label}: ${what}`).finally(() => waiters.delete(check));
  };

  const address = await withTimeout(xmpp.start(), `${label} login`);
  emit({ client: label, event: "session_start", jid: address.toString() });
  return {
    label,
    jid: address.toString(),
    roster,
    available,
    requests,
    until,
    send: (to, body) => xmpp.send(xml("message", { to, type: "chat" }, xml("body", {}, body))),
    presence: (attrs = {}) => xmpp.send(xml("presence", attrs)),
    nextMessage: () => until(() => messages.shift(), "a chat message"),
    // RFC 6121 §2.2: the roster get a client sends before its initial presence.
    fetchRoster: async () => updateRoster(await xmpp.iqCaller.get(xml("query", { xmlns: NS_ROSTER })), "roster_item"),
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

function expectMessage(message, from, body) {
  if (message.body !== body || message.from !== from) {
    throw new Error(`expected ${JSON.stringify(body)} from ${from}, got ${JSON.stringify(message)}`);
  }
}

async function pair([host, port, domain, user1, password1, user2, password2, body]) {
  const sender = await start("sender", host, port, domain, user1, password1);
  const receiver = await start("receiver", host, port, domain, user2, password2);
  await sender.send(receiver.jid, body);
  expectMessage(await receiver.nextMessage(), sender.jid, body);
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

async function im([host, port, domain, user1, password1, user2, password2, hello, reply, later]) {
  // What an IM client does on login (RFC 6121 §2.2, §4.2): fetch the roster, then go available.
  const online = async (label, username, password) => {
    const session = await start(label, host, port, domain, username, password);
    await session.fetchRoster();
    await session.presence();
    return session;
  };
  const alice = await online("alice", user1, password1);
  const bob = await online("bob", user2, password2);
  const [aliceBare, bobBare] = [bare(alice.jid), bare(bob.jid)];

  // RFC 6121 §3.1: alice asks, bob approves and asks back, alice approves.
  await alice.presence({ to: bobBare, type: "subscribe" });
  await bob.until(() => bob.requests.has(aliceBare), `subscribe from ${aliceBare}`);
  await bob.presence({ to: aliceBare, type: "subscribed" });
  await bob.presence({ to: aliceBare, type: "subscribe" });
  await alice.until(() => alice.requests.has(bobBare), `subscribe from ${bobBare}`);
  await alice.presence({ to: bobBare, type: "subscribed" });
  for (const [me, peer] of [[alice, bob], [bob, alice]]) {
    const contact = bare(peer.jid);
    await me.until(() => me.roster.get(contact) === "both", `subscription both with ${contact}`);
    emit({ client: me.label, event: "subscription", contact, subscription: me.roster.get(contact) });
    await me.until(() => me.available.has(peer.jid), `available presence of ${peer.jid}`);
  }

  await alice.send(bob.jid, hello);
  expectMessage(await bob.nextMessage(), alice.jid, hello);
  await bob.send(alice.jid, reply);
  expectMessage(await alice.nextMessage(), bob.jid, reply);

  // XEP-0160: once bob is gone (alice saw his unavailable presence), a message to his bare JID
  // is stored and delivered when he next sends initial presence.
  await bob.close();
  await alice.until(() => !alice.available.has(bob.jid), `unavailable presence of ${bob.jid}`);
  await alice.send(bobBare, later);
  const bobAgain = await online("bob_again", user2, password2);
  const stored = await bobAgain.nextMessage();
  expectMessage(stored, alice.jid, later);
  if (stored.delay === null) {
    throw new Error("the stored message has no XEP-0203 delay");
  }
  await bobAgain.close();
  await alice.close();
}

const modes = { pair, echo, im };

try {
  const [mode, ...args] = process.argv.slice(2);
  if (!Object.hasOwn(modes, mode)) throw new Error(`unknown mode ${mode}`);
  await modes[mode](args);
  emit({ result: "ok" });
  process.exit(0);
} catch (err) {
  emit({ result: "fail", reason: String(err?.stack ?? err) });
  process.exit(1);
}
