using Parley.Xmpp.Addressing;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>An account created on the test server.</summary>
public sealed record TestAccount(Jid Jid, string Name, string Password);
