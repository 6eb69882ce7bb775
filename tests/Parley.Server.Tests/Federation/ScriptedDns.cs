using System.Reflection;
using DnsClient;
using DnsClient.Protocol;

namespace Parley.Server.Tests.Federation;

/// <summary>
/// An <see cref="ILookupClient"/> that answers SRV queries from a table and records what was asked
/// (a <see cref="DispatchProxy"/>: only QueryAsync is implemented; anything else throws).
/// </summary>
public class ScriptedDns : DispatchProxy
{
    private readonly Dictionary<string, List<DnsResourceRecord>> _answers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Exception> _thrown = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);

    /// <summary>The names queried, in order.</summary>
    public List<string> Queries { get; } = [];

    public static (ILookupClient Client, ScriptedDns Script) Create()
    {
        var client = Create<ILookupClient, ScriptedDns>();
        return (client, (ScriptedDns)(object)client);
    }

    /// <summary>Adds an SRV record (RFC 2782) to <paramref name="name"/>'s answer.</summary>
    public ScriptedDns Srv(string name, ushort priority, ushort weight, ushort port, string target)
    {
        if (!_answers.TryGetValue(name, out var records))
        {
            _answers[name] = records = [];
        }

        records.Add(new SrvRecord(new ResourceRecordInfo(name, ResourceRecordType.SRV, QueryClass.IN, 300, 0), priority, weight, port, DnsString.Parse(target)));
        return this;
    }

    /// <summary>The query for <paramref name="name"/> throws (a timeout, as DnsClient reports it).</summary>
    public ScriptedDns Throws(string name)
    {
        _thrown[name] = new DnsResponseException(DnsResponseCode.ConnectionTimeout, "timed out");
        return this;
    }

    /// <summary>The response for <paramref name="name"/> carries an error code (SERVFAIL), as with ThrowDnsErrors off.</summary>
    public ScriptedDns Fails(string name)
    {
        _failed.Add(name);
        return this;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod?.Name != nameof(IDnsQuery.QueryAsync) || args is not [string name, QueryType.SRV, QueryClass.IN, CancellationToken])
        {
            throw new NotSupportedException($"ScriptedDns answers SRV QueryAsync only, not {targetMethod?.Name}");
        }

        lock (Queries)
        {
            Queries.Add(name);
        }

        if (_thrown.TryGetValue(name, out var exception))
        {
            return Task.FromException<IDnsQueryResponse>(exception);
        }

        var response = Create<IDnsQueryResponse, ScriptedResponse>();
        ((ScriptedResponse)(object)response).Set(_answers.GetValueOrDefault(name) ?? [], _failed.Contains(name));
        return Task.FromResult(response);
    }

    /// <summary>The parts of a response the resolver reads.</summary>
    public class ScriptedResponse : DispatchProxy
    {
        private IReadOnlyList<DnsResourceRecord> _answers = [];
        private bool _error;

        internal void Set(IReadOnlyList<DnsResourceRecord> answers, bool error)
        {
            _answers = answers;
            _error = error;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            "get_Answers" => _answers,
            "get_HasError" => _error,
            "get_ErrorMessage" => _error ? "Server Failure" : "No Error",
            _ => throw new NotSupportedException(targetMethod?.Name),
        };
    }
}
