using System.Text;
using Parley.Xmpp.Sasl;

namespace Parley.Fuzz;

/// <summary>
/// The server side of SASL (src/Parley.Xmpp/Sasl). The input is lines: the first names a
/// mechanism as the client's &lt;auth mechanism=''/&gt; would (or "base64" for the element text
/// decoding), each further line is one client message, raw bytes as they are after base64
/// decoding. One account exists, "user", with the RFC 5802 / RFC 7677 test-vector credentials and
/// server nonces, so that the corpus can hold complete, successful exchanges. Failures are
/// expected; what must hold is that only that account can ever succeed, at most once, that
/// nothing follows the outcome, and that nothing else than a step result comes out.
/// </summary>
internal static class SaslTarget
{
    public const string Account = "user";

    private static readonly ScramCredential Sha1 =
        ScramCredential.Derive(ScramHash.Sha1, "pencil", Convert.FromBase64String("QSXCR+Q6sek8bf92"), 4096);

    private static readonly ScramCredential Sha256 =
        ScramCredential.Derive(ScramHash.Sha256, "pencil", Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);

    private static readonly byte[] Secret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    // tls-server-end-point data (RFC 5929 §4): a hash of the server certificate; fixed here.
    private static readonly byte[] EndPointBinding = [.. Enumerable.Range(0, 32).Select(i => (byte)(0xA0 + i))];

    public static void Run(ReadOnlySpan<byte> input) => _ = Exchange(input);

    /// <summary>Runs the input; returns how the exchange ended (null: no mechanism, or still challenging).</summary>
    public static SaslStepKind? Exchange(ReadOnlySpan<byte> input)
    {
        var lines = new List<byte[]>();
        foreach (var range in input.Split((byte)'\n'))
        {
            lines.Add(input[range].ToArray());
        }

        var name = Encoding.UTF8.GetString(lines[0]);
        if (name == "base64")
        {
            foreach (var line in lines.Skip(1))
            {
                CheckBase64(Encoding.UTF8.GetString(line));
            }

            return null;
        }

        var context = new SaslServerContext
        {
            FindCredential = (username, hash, _) =>
                ValueTask.FromResult(username == Account ? (hash == ScramHash.Sha1 ? Sha1 : Sha256) : null),
            Secret = Secret,
            IsTlsActive = true,
            ChannelBindingData = type => type == ChannelBinding.TlsServerEndPoint ? EndPointBinding : null,
            FakeIterations = 64,
            Domain = "example.com",

            // The vectors' server nonces, so that a seed can carry the right client-final message.
            NonceFactory = () => name.StartsWith(SaslMechanismNames.ScramSha1, StringComparison.Ordinal)
                ? "3rfcNHYJY1ZVvWVs7j"
                : "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
        };

        if (SaslServerMechanisms.Create(name, context) is not { } mechanism)
        {
            return null;
        }

        SaslStepKind? outcome = null;
        foreach (var message in lines.Skip(1))
        {
            var pending = mechanism.StepAsync(message, CancellationToken.None);
            if (!pending.IsCompleted)
            {
                throw new InvariantViolationException("a step with synchronous credentials did not complete synchronously");
            }

            var step = pending.Result;
            if (outcome is not null && step.Kind != SaslStepKind.Failure)
            {
                throw new InvariantViolationException($"a {step.Kind} after the exchange ended in {outcome}");
            }

            switch (step.Kind)
            {
                case SaslStepKind.Success when step.Username != Account:
                    throw new InvariantViolationException($"success as '{step.Username}', who has no account");
                case SaslStepKind.Failure when !Enum.IsDefined(step.Condition):
                    throw new InvariantViolationException("a failure with an undefined condition " + step.Condition);
                case SaslStepKind.Success or SaslStepKind.Failure:
                    outcome ??= step.Kind;
                    break;
                case SaslStepKind.Challenge:
                    break;
                default:
                    throw new InvariantViolationException("an undefined step kind " + step.Kind);
            }
        }

        return outcome;
    }

    /// <summary>
    /// RFC 6120 §6.4.2 element text: what decodes must be the one canonical encoding of its bytes
    /// ("=" and "" being the empty response), so that no two texts carry the same message.
    /// </summary>
    private static void CheckBase64(string text)
    {
        if (!SaslEncoding.TryDecode(text, out var bytes))
        {
            return;
        }

        if (text.Length == 0 || text == "=")
        {
            if (bytes.Length != 0)
            {
                throw new InvariantViolationException("the empty response decodes to bytes");
            }

            return;
        }

        if (SaslEncoding.Encode(bytes) != text)
        {
            throw new InvariantViolationException($"'{text}' decodes, but its bytes encode as '{SaslEncoding.Encode(bytes)}'");
        }
    }
}
