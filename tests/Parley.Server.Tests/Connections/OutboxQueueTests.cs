using Parley.Server.Connections;
using Parley.Xmpp.Xml;

namespace Parley.Server.Tests.Connections;

/// <summary>The outbox queue itself: many writers, one reader, bounded, completed once.</summary>
public sealed class OutboxQueueTests
{
    private static Outgoing Item(string name) => new(OutgoingKind.Element, new Element(name, "jabber:client"));

    [Fact]
    public async Task A_waiting_reader_is_woken_by_the_next_write_and_reads_items_in_order()
    {
        var outbox = new Outbox(16);
        var wait = outbox.WaitToReadAsync();
        Assert.False(wait.IsCompleted);

        Assert.True(outbox.TryWrite(Item("a")));
        Assert.True(outbox.TryWrite(Item("b")));

        Assert.True(await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(outbox.TryRead(out var first));
        Assert.True(outbox.TryRead(out var second));
        Assert.False(outbox.TryRead(out _));
        Assert.Equal(["a", "b"], [first.Element!.Name, second.Element!.Name]);
    }

    [Fact]
    public void A_full_outbox_refuses_the_next_item_until_one_is_read()
    {
        var outbox = new Outbox(5);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(outbox.TryWrite(Item("m" + i)));
        }

        Assert.False(outbox.TryWrite(Item("over")));
        Assert.True(outbox.TryRead(out var read));
        Assert.Equal("m0", read.Element!.Name);
        Assert.True(outbox.TryWrite(Item("m5")));
    }

    [Fact]
    public void The_ring_keeps_order_across_wrap_around_and_growth()
    {
        var outbox = new Outbox(64);
        var next = 0;
        var expected = 0;
        for (var round = 1; round <= 20; round++)
        {
            // Writes outpace reads, so the ring wraps while it grows from 4 to 64 items.
            for (var i = 0; i < round % 7 + 1; i++)
            {
                Assert.True(outbox.TryWrite(Item("m" + next++)));
            }

            for (var i = 0; i < round % 3 + 1 && outbox.TryRead(out var read); i++)
            {
                Assert.Equal("m" + expected++, read.Element!.Name);
            }
        }

        while (outbox.TryRead(out var read))
        {
            Assert.Equal("m" + expected++, read.Element!.Name);
        }

        Assert.Equal(next, expected);
    }

    [Fact]
    public async Task Completing_wakes_the_reader_with_false_and_refuses_writes_after_what_was_queued_is_read()
    {
        var outbox = new Outbox(16);
        var wait = outbox.WaitToReadAsync();
        outbox.TryComplete();
        Assert.False(await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(outbox.TryWrite(Item("late")));

        var drained = new Outbox(16);
        Assert.True(drained.TryWrite(Item("queued")));
        drained.TryComplete();
        Assert.True(await drained.WaitToReadAsync());
        Assert.True(drained.TryRead(out _));
        Assert.False(await drained.WaitToReadAsync());
    }

    [Fact]
    public async Task Concurrent_writers_lose_nothing_and_the_reader_sees_every_item_once()
    {
        const int Writers = 4;
        const int PerWriter = 2000;
        var outbox = new Outbox(Writers * PerWriter);
        var seen = new HashSet<string>();
        var reader = Task.Run(async () =>
        {
            while (seen.Count < Writers * PerWriter && await outbox.WaitToReadAsync())
            {
                while (outbox.TryRead(out var item))
                {
                    Assert.True(seen.Add(item.Element!.Name));
                }
            }
        });

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                Assert.True(outbox.TryWrite(Item($"w{w}-{i}")));
            }
        })));
        outbox.TryComplete();
        await reader.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Writers * PerWriter, seen.Count);
    }
}
