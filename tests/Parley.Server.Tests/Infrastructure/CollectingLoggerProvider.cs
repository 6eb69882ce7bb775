using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>Keeps every server log line so a test can fail on errors and grep for secrets (MQTTnet's TestEnvironment idea).</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waiters = [];

    public ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Completes when a line containing the text is logged (or already was): an event to await instead of polling.</summary>
    public Task WaitForAsync(string text)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            _waiters.Add((m => m.Contains(text, StringComparison.Ordinal), seen));
        }

        if (Entries.Any(e => e.Message.Contains(text, StringComparison.Ordinal)))
        {
            seen.TrySetResult();
        }

        return seen.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }

    public void Dispose()
    {
    }

    private void Add(LogLevel level, string category, string message, Exception? exception)
    {
        Entries.Enqueue((level, category, message, exception));
        lock (_waiters)
        {
            foreach (var (match, seen) in _waiters)
            {
                if (match(message))
                {
                    seen.TrySetResult();
                }
            }
        }
    }

    private sealed class Logger(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(logLevel, category, formatter(state, exception), exception);
    }
}
