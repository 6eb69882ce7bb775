using Parley.Xmpp.Sasl;

namespace Parley.Xmpp.Tests.Sasl;

/// <summary>An in-memory credential store and the contexts and exchange loop the SASL tests share.</summary>
internal sealed class SaslTestAccounts
{
    public static readonly byte[] EndPointBinding = [1, 2, 3, 4, 5, 6, 7, 8];
    public static readonly byte[] UniqueBinding = [9, 9, 9];

    private readonly Dictionary<string, IReadOnlyList<ScramCredential>> _accounts = new(StringComparer.Ordinal);

    public int Lookups { get; private set; }

    public SaslTestAccounts Add(string username, string password, int iterations = ScramCredential.DefaultIterations)
    {
        _accounts[username] = ScramCredentials.FromPassword(password, iterations);
        return this;
    }

    public SaslTestAccounts Add(string username, ScramCredential credential)
    {
        _accounts[username] = [credential];
        return this;
    }

    public SaslServerContext Server(bool tls = true, bool binding = true, Func<string>? nonce = null, string? domain = null) => new()
    {
        FindCredential = FindAsync,
        Secret = [42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 42],
        IsTlsActive = tls,
        ChannelBindingData = binding ? Binding : null,
        NonceFactory = nonce,
        Domain = domain,
    };

    public static SaslClientContext Client(
        string username = "juliet",
        string password = "r0m30myr0m30",
        bool tls = true,
        Func<string, byte[]?>? binding = null,
        IReadOnlyCollection<string>? serverTypes = null,
        string? authzid = null,
        string? nonce = null) => new()
        {
            Username = username,
            Password = password,
            IsTlsActive = tls,
            ChannelBindingData = binding,
            ServerChannelBindingTypes = serverTypes ?? [],
            Authzid = authzid,
            Nonce = nonce,
        };

    public static byte[]? Binding(string type) => type switch
    {
        ChannelBinding.TlsServerEndPoint => EndPointBinding,
        ChannelBinding.TlsUnique => UniqueBinding,
        _ => null,
    };

    /// <summary>Runs a whole exchange the way negotiation would, returning the last server step and the client's verdict.</summary>
    public static async Task<(SaslServerStep Step, bool ClientVerified)> RunAsync(SaslClientMechanism client, SaslServerMechanism server)
    {
        var step = await server.StepAsync(client.GetInitialResponse(), CancellationToken.None);
        for (var round = 0; step.Kind == SaslStepKind.Challenge; round++)
        {
            Assert.True(round < 4, "the exchange did not end");
            if (!client.TryRespond(step.Data.Span, out var response))
            {
                return (step, false);
            }

            step = await server.StepAsync(response, CancellationToken.None);
        }

        return (step, step.Kind == SaslStepKind.Success && client.VerifySuccess(step.Data.Span));
    }

    private ValueTask<ScramCredential?> FindAsync(string username, ScramHash hash, CancellationToken cancellationToken)
    {
        Lookups++;
        var found = _accounts.TryGetValue(username, out var list) ? list.FirstOrDefault(c => c.Hash == hash) : null;
        return ValueTask.FromResult(found);
    }
}
