using System.Diagnostics;
using System.Globalization;

namespace Parley.Benchmarks;

/// <summary>
/// `--cpu-time`: the delivery-path benchmarks measured by the process's CPU time and allocated bytes
/// per operation instead of wall time. On a shared machine (other builds running) a thread waiting
/// for a core adds wall time but no CPU time, so these figures stay comparable when BenchmarkDotNet's
/// means are not. Three rounds each, after a warm-up; GC threads' work is included, which is a cost
/// of the allocations.
/// </summary>
internal static class CpuTimeRun
{
    private const int Rounds = 3;

    public static void Run(int operations)
    {
        var routing = new RoutingBenchmarks();
        routing.Setup();
        var archive = new ArchiveBenchmarks();
        archive.Setup();
        try
        {
            // Archiving costs about ten times routing: a tenth of the operations keeps every case to seconds.
            Measure(nameof(RoutingBenchmarks.RouteChatMessage), routing.RouteChatMessage, operations);
            Measure(nameof(RoutingBenchmarks.RouteChatMessageStreamManagement), routing.RouteChatMessageStreamManagement, operations);
            Measure(nameof(ArchiveBenchmarks.RouteArchivedChatMessage), archive.RouteArchivedChatMessage, operations / 10);
        }
        finally
        {
            archive.Cleanup();
        }
    }

    private static void Measure(string name, Func<int> operation, int count)
    {
        // Long enough for the tiered JIT to have compiled the path optimized (it waits for calls to settle).
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(1))
        {
            operation();
        }

        using var process = Process.GetCurrentProcess();
        for (var round = 1; round <= Rounds; round++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < count; i++)
            {
                operation();
            }

            var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            process.Refresh();
            var nanoseconds = (process.TotalProcessorTime - cpu).TotalNanoseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} round {round}: {nanoseconds / count:F0} ns CPU per op, {(double)bytes / count:F1} B allocated per op ({count:N0} ops)"));
        }
    }
}
