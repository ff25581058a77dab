using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Switchyard.Proxy.Transport;
using Switchyard.Proxy.Transport.Epoll;

namespace Switchyard.Proxy.Tests.Transport;

/// <summary>The socket pipes keep the PipeReader/PipeWriter contract the data path relies on: what is examined, what
/// is consumed, cancellation without losing bytes, the peer closing, and buffers that grow; on .NET's socket engine
/// and on the proxy's own loop (<see cref="EpollSocket"/>), which must behave the same.</summary>
public abstract class SocketPipeTests : IAsyncLifetime
{
    private Socket _local = null!;
    private Socket _peer = null!;
    private EpollSocket? _epoll;

    /// <summary>Whether the pipes under test run on the proxy's loop rather than .NET's engine.</summary>
    protected abstract bool OnLoop { get; }

    public async Task InitializeAsync()
    {
        using var listener = LoopbackListener.Start();
        _local = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = listener.AcceptAsync();
        if (OnLoop)
        {
            _epoll = new EpollSocket(_local);
            await _epoll.ConnectAsync(listener.LocalEndPoint!, CancellationToken.None);
        }
        else
        {
            await _local.ConnectAsync(listener.LocalEndPoint!);
        }
        _peer = await accept;
    }

    public Task DisposeAsync()
    {
        _epoll?.Dispose();
        _local.Dispose();
        _peer.Dispose();
        return Task.CompletedTask;
    }

    private SocketPipeReader Reader(int bufferSize = 16, int minimumReadSize = 8) => new(_local, bufferSize, minimumReadSize, _epoll);

    private SocketPipeWriter Writer(int bufferSize = 16) => new(_local, bufferSize, _epoll);

    private Task SendAsync(params byte[] bytes) => _peer.SendAsync(bytes, SocketFlags.None);

    /// <summary>Reads until at least <paramref name="count"/> bytes are buffered, examining everything each time.</summary>
    private static async Task<ReadResult> ReadAtLeastAsync(PipeReader reader, int count)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            if (result.Buffer.Length >= count || result.IsCompleted)
                return result;
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    [Fact]
    public async Task ExaminingEverythingMakesTheNextReadWaitForNewBytes()
    {
        var reader = Reader();
        await SendAsync(1, 2, 3);
        var first = await ReadAtLeastAsync(reader, 3);
        reader.AdvanceTo(first.Buffer.Start, first.Buffer.End);

        var next = reader.ReadAsync();
        Assert.False(next.IsCompleted);
        await SendAsync(4);
        var second = await next;

        Assert.Equal(new byte[] { 1, 2, 3, 4 }, second.Buffer.ToArray());
    }

    [Fact]
    public async Task ASecondReadWhileOneIsPendingIsRefused()
    {
        var reader = Reader();
        var pending = reader.ReadAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await reader.ReadAsync());
        await SendAsync(1);
        Assert.Equal(new byte[] { 1 }, (await pending).Buffer.ToArray());
    }

    [Fact]
    public async Task BytesNeitherConsumedNorExaminedAreReturnedAgainAtOnce()
    {
        var reader = Reader();
        await SendAsync(7, 8, 9);
        var first = await ReadAtLeastAsync(reader, 3);
        reader.AdvanceTo(first.Buffer.Start);

        var again = reader.ReadAsync();

        Assert.True(again.IsCompletedSuccessfully);
        Assert.Equal(new byte[] { 7, 8, 9 }, (await again).Buffer.ToArray());
    }

    [Fact]
    public async Task ConsumedBytesAreGoneAndTheRestStays()
    {
        var reader = Reader();
        await SendAsync(1, 2, 3, 4, 5);
        var first = await ReadAtLeastAsync(reader, 5);
        reader.AdvanceTo(first.Buffer.GetPosition(2), first.Buffer.End);
        await SendAsync(6);

        var second = await ReadAtLeastAsync(reader, 4);

        Assert.Equal(new byte[] { 3, 4, 5, 6 }, second.Buffer.ToArray());
    }

    [Fact]
    public async Task CancelPendingReadEndsAWaitingReadAndLosesNoBytes()
    {
        var reader = Reader();
        var pending = reader.ReadAsync();
        Assert.False(pending.IsCompleted);

        reader.CancelPendingRead();
        var canceled = await pending;
        reader.AdvanceTo(canceled.Buffer.Start);
        await SendAsync(42);
        var after = await ReadAtLeastAsync(reader, 1);

        Assert.True(canceled.IsCanceled);
        Assert.Equal(new byte[] { 42 }, after.Buffer.ToArray());
        Assert.False(after.IsCanceled);
    }

    [Fact]
    public async Task CancelPendingReadWithNoReadWaitingCancelsTheNextReadOnly()
    {
        var reader = Reader();
        await SendAsync(5);
        reader.CancelPendingRead();

        var canceled = await reader.ReadAsync();
        reader.AdvanceTo(canceled.Buffer.Start);
        var next = await ReadAtLeastAsync(reader, 1);

        Assert.True(canceled.IsCanceled);
        Assert.False(next.IsCanceled);
        Assert.Equal(new byte[] { 5 }, next.Buffer.ToArray());
    }

    [Fact]
    public async Task ACanceledTokenThrowsAndTheReaderStaysUsable()
    {
        var reader = Reader();
        using var cancel = new CancellationTokenSource();
        var pending = reader.ReadAsync(cancel.Token);

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        await SendAsync(9, 9);
        var after = await ReadAtLeastAsync(reader, 2);

        Assert.Equal(new byte[] { 9, 9 }, after.Buffer.ToArray());
    }

    [Fact]
    public async Task ThePeerClosingCompletesTheReadWithWhatIsLeft()
    {
        var reader = Reader();
        await SendAsync(1, 2);
        _peer.Shutdown(SocketShutdown.Send);

        // The bytes and the end of the stream may come with one edge: the end must still be seen.
        var result = await ReadAtLeastAsync(reader, 3).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(result.IsCompleted);
        Assert.Equal(new byte[] { 1, 2 }, result.Buffer.ToArray());
        reader.AdvanceTo(result.Buffer.End);
        var end = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(end.IsCompleted);
        Assert.True(end.Buffer.IsEmpty);
    }

    [Fact]
    public async Task UnconsumedBytesGrowTheBufferBeyondItsFirstSize()
    {
        var reader = Reader(bufferSize: 16, minimumReadSize: 8);
        var sent = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        var sending = _peer.SendAsync(sent, SocketFlags.None);

        var result = await ReadAtLeastAsync(reader, sent.Length);
        await sending;

        Assert.Equal(sent, result.Buffer.ToArray());
        Assert.True(result.Buffer.IsSingleSegment);
    }

    [Fact]
    public async Task AdvancingToAPositionOfAnotherBufferIsRefused()
    {
        var reader = Reader();
        await SendAsync(1, 2, 3);
        await ReadAtLeastAsync(reader, 3);
        var foreign = new ReadOnlySequence<byte>(new byte[3]);

        Assert.Throws<InvalidOperationException>(() => reader.AdvanceTo(foreign.End));
    }

    [Fact]
    public async Task TheWriterSendsWhatWasWrittenWhenFlushedAndCountsWhatIsNot()
    {
        var writer = Writer();
        writer.Write(new byte[] { 1, 2, 3 });
        writer.Write(Enumerable.Repeat((byte)4, 40).ToArray()); // larger than the first buffer

        Assert.Equal(43, writer.UnflushedBytes);
        await writer.FlushAsync();
        Assert.Equal(0, writer.UnflushedBytes);

        var peer = new SocketPipeReader(_peer, 64, 16);
        var received = await ReadAtLeastAsync(peer, 43);
        Assert.Equal(new byte[] { 1, 2, 3 }.Concat(Enumerable.Repeat((byte)4, 40)), received.Buffer.ToArray());
    }

    [Fact]
    public async Task CompletingTheWriterSendsWhatIsStillBuffered()
    {
        var writer = Writer();
        writer.Write(new byte[] { 8, 9 });

        await writer.CompleteAsync();

        var peer = new SocketPipeReader(_peer, 64, 16);
        Assert.Equal(new byte[] { 8, 9 }, (await ReadAtLeastAsync(peer, 2)).Buffer.ToArray());
        Assert.Throws<ObjectDisposedException>(() => writer.GetSpan());
    }

    [Fact]
    public async Task FlushingToAPeerThatResetTheConnectionFailsWithAnIOException()
    {
        var writer = Writer();
        _peer.LingerState = new LingerOption(true, 0);
        _peer.Close();

        // The first send may still be accepted by the kernel; the reset is seen by a later one.
        var error = await Assert.ThrowsAsync<IOException>(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                writer.Write(new byte[1024]);
                await writer.FlushAsync();
            }
        });
        Assert.Contains("Unable to write data to the transport connection", error.Message);
    }

    [Fact]
    public async Task EveryMessageOfAQuickExchangeWakesTheReader()
    {
        // A reader that waits right after a short read relies on the next edge: none may be lost between the read and
        // the wait, however the peer's bytes and the reader's calls interleave.
        var reader = Reader(bufferSize: 64, minimumReadSize: 16);
        var writer = Writer();
        var peerReader = new SocketPipeReader(_peer, 64, 16);
        for (var i = 0; i < 2000; i++)
        {
            await SendAsync((byte)i);
            var message = await ReadAtLeastAsync(reader, 1).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(new[] { (byte)i }, message.Buffer.ToArray());
            reader.AdvanceTo(message.Buffer.End);
            writer.Write(new[] { (byte)i });
            await writer.FlushAsync();
            var echo = await ReadAtLeastAsync(peerReader, 1).WaitAsync(TimeSpan.FromSeconds(10));
            peerReader.AdvanceTo(echo.Buffer.End);
        }
    }

    [Fact]
    public async Task AFlushWaitsWhileThePeerDoesNotReadAndEndsWhenItDoes()
    {
        var writer = Writer();
        var sent = Enumerable.Range(0, 16 * 1024 * 1024).Select(i => (byte)(i * 31 + (i >> 12))).ToArray();
        writer.Write(sent);

        var flush = writer.FlushAsync().AsTask();
        Assert.False(flush.IsCompleted, "16 MiB do not fit into the socket buffers of a peer that reads nothing");
        var peer = new SocketPipeReader(_peer, 64 * 1024, 16 * 1024);
        var received = await ReadAtLeastAsync(peer, sent.Length).WaitAsync(TimeSpan.FromSeconds(30));
        await flush.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(sent, received.Buffer.ToArray());
        Assert.Equal(0, writer.UnflushedBytes);
    }

    [Fact]
    public async Task AReadPendingWhenTheConnectionIsClosedFailsInsteadOfHanging()
    {
        var reader = Reader();
        var pending = reader.ReadAsync().AsTask();
        Assert.False(pending.IsCompleted);

        _epoll?.Dispose();
        _local.Dispose();

        await Assert.ThrowsAsync<IOException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}

public sealed class SocketPipeOnEngineTests : SocketPipeTests
{
    protected override bool OnLoop => false;
}

public sealed class SocketPipeOnLoopTests : SocketPipeTests
{
    protected override bool OnLoop => true;
}
