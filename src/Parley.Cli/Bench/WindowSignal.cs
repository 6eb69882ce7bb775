namespace Parley.Cli.Bench;

/// <summary>
/// Wakes a sender waiting for room in its window when its receiver counts deliveries. The sender
/// arms it, checks its window again, then awaits; the receiver signals after counting, so no
/// wake-up is lost and neither side spins.
/// </summary>
internal sealed class WindowSignal
{
    private TaskCompletionSource? _waiter;

    public Task Arm()
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waiter, waiter);
        return waiter.Task;
    }

    public void Signal() => Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
}
