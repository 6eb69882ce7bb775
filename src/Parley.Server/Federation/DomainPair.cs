namespace Parley.Server.Federation;

/// <summary>A hosted domain and a remote one: the unit one outbound stream serves and dialback authenticates (XEP-0220 §2).</summary>
internal readonly record struct DomainPair(string Local, string Remote);
