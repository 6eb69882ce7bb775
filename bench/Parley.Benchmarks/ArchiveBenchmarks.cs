using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Server.Hosting;
using Parley.Server.Modules;
using Parley.Server.Modules.Archive;
using Parley.Server.Modules.Roster;
using Parley.Server.Routing;

namespace Parley.Benchmarks;

/// <summary>
/// The same chat message as <see cref="RoutingBenchmarks"/> with XEP-0313 archiving on, as by default:
/// both parties' copies are recorded (one serialization, two rows), the recipient's stamped with its
/// XEP-0359 stanza-id, and queued to the real <see cref="ArchiveWriter"/>, whose loop runs and hands its
/// batches to a store that keeps nothing (<see cref="DiscardingArchiveStore"/>). BenchmarkDotNet's
/// allocation count covers every thread, so the writer's share is in it; the SQL insert is not.
/// Not sealed: BenchmarkDotNet derives from benchmark classes.
/// </summary>
[MemoryDiagnoser]
public class ArchiveBenchmarks
{
    private DeliveryPath _path = null!;
    private ArchiveWriter _writer = null!;
    private DiscardingArchiveStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new ParleyOptions { Domains = ["example.com"] });
        var time = TimeProvider.System;
        _store = new DiscardingArchiveStore();
        var ids = new ArchiveIds(time);
        _writer = new ArchiveWriter(_store, ids, options, NullLogger<ArchiveWriter>.Instance);
        _writer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _path = new DeliveryPath(_ => [new ArchiveModule(_store, _writer, new ArchiveQueries(_store, _writer, options), ids, new NoRosterStore(), new HostedDomains(options), options, time)]);
        _path.CheckDelivers();
        _writer.WhenWrittenAsync(CancellationToken.None).GetAwaiter().GetResult();
        if (_store.Appended != 2)
        {
            throw new InvalidOperationException($"The sample message was archived {_store.Appended} times, not once for each party.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _writer.StopAsync(CancellationToken.None).GetAwaiter().GetResult();

    [Benchmark]
    public int RouteArchivedChatMessage() => _path.Route();
}
