using System.Net;
using Parley.Client;

namespace Parley.Interop.Tests.Infrastructure;

/// <summary>
/// Two <c>parley serve</c> processes federating with each other the way an operator would set
/// them up: each on its own loopback address, each told where the other is with --s2s-route,
/// certificates and the CA to trust in a --config file. Both stop on disposal.
/// </summary>
internal sealed class ParleyPair : IAsyncDisposable
{
    public const string NorthDomain = "north.example";
    public const string SouthDomain = "south.example";

    private readonly string _directory;
    private readonly TestCertificates _issuer;

    private ParleyPair(string directory, TestCertificates issuer)
    {
        _directory = directory;
        _issuer = issuer;
        North = new ParleyProcess(NorthDomain, "127.0.0.4", Path.Combine(directory, "north"));
        South = new ParleyProcess(SouthDomain, "127.0.0.5", Path.Combine(directory, "south"));
    }

    public ParleyProcess North { get; }

    public ParleyProcess South { get; }

    public string Diagnostics => $"--- {NorthDomain} ---\n{North.Output}\n--- {SouthDomain} ---\n{South.Output}";

    /// <param name="certificates">
    /// True: a test CA issues both certificates and both policies are <c>require</c> (SASL
    /// EXTERNAL). False: self-signed certificates and policy <c>dialback</c> (XEP-0220).
    /// </param>
    public static async Task<ParleyPair> StartAsync(bool certificates)
    {
        var directory = Path.Combine(Path.GetTempPath(), "parley-pair-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var pair = new ParleyPair(directory, certificates ? TestCertificates.WithAuthority(directory) : TestCertificates.SelfSigned(directory));
        try
        {
            var policy = certificates ? "require" : "dialback";
            var authority = pair._issuer.AuthorityPath;
            await pair.North.StartFederatedAsync(
                pair._issuer.Issue(NorthDomain), authority, policy, Route(SouthDomain, pair.South));
            await pair.South.StartFederatedAsync(
                pair._issuer.Issue(SouthDomain), authority, policy, Route(NorthDomain, pair.North));
            return pair;
        }
        catch (Exception e)
        {
            var diagnostics = pair.Diagnostics;
            await pair.DisposeAsync();
            throw new InvalidOperationException($"Starting two Parley servers failed: {e.Message}\n{diagnostics}", e);
        }
    }

    /// <summary>Client options for an account on <paramref name="server"/>; with a test CA, its certificate must validate against it.</summary>
    public XmppClientOptions ClientOptions(ParleyProcess server, TestAccount account) =>
        _issuer.AuthorityPath is null
            ? server.ClientOptions(account)
            : server.ClientOptions(account) with { AcceptUntrustedCertificates = false, CertificateValidation = _issuer.Validation() };

    public async ValueTask DisposeAsync()
    {
        await North.DisposeAsync();
        await South.DisposeAsync();
        _issuer.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process: the temp folder is cleaned by the OS later.
        }
    }

    private static Dictionary<string, IPEndPoint> Route(string domain, ParleyProcess to) =>
        new() { [domain] = new IPEndPoint(IPAddress.Parse(to.Host), to.S2sPort) };
}
