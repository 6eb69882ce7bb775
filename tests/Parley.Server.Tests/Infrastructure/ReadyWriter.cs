namespace Parley.Server.Tests.Infrastructure;

/// <summary>Captures a command's standard output and completes <see cref="Ready"/> when it prints its ready line.</summary>
internal sealed class ReadyWriter : StringWriter
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _readyLine;

    public ReadyWriter(string readyLine = "Parley is ready")
    {
        _readyLine = readyLine;
        NewLine = "\n";
    }

    public Task Ready => _ready.Task;

    public override void WriteLine(string? value)
    {
        lock (this)
        {
            base.WriteLine(value);
        }

        if (value == _readyLine)
        {
            _ready.TrySetResult();
        }
    }

    public override string ToString()
    {
        lock (this)
        {
            return base.ToString();
        }
    }
}
