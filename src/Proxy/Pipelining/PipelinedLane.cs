using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Switchyard.Protocol.Commands;
using Switchyard.Protocol.Framing;
using Switchyard.Protocol.PreparedStatements;
using Switchyard.Protocol.Responses;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Sessions;
using Switchyard.Proxy.Statements;

namespace Switchyard.Proxy.Pipelining;

/// <summary>
/// One backend connection shared by many sessions, with pipelining: a command does not wait for the answers to those
/// ahead of it, and the answers — which the server sends in order — are handed to their sessions in that order by one
/// read loop. Commands that arrive while one is being answered leave together, in one write, when its answer is
/// complete (see <see cref="Enqueue"/>). The server's thread then finds the next commands waiting when it finishes
/// one, and the proxy reads several answers per wake-up, so both spend less CPU per statement than with one
/// connection per statement (README, "Pipelined lanes"). Only commands whose answer depends on nothing but the
/// connection's schema and session settings are sent here (see ClientSession.Pipelining.cs). A lane that fails hands
/// every command still waiting back to its session, which sends it elsewhere when its client saw nothing of the answer.
/// </summary>
internal sealed class PipelinedLane
{
    private readonly LaneSet _owner;
    private readonly int _maxDepth;
    private readonly TimeSpan _stallTimeout;
    private readonly Lock _lock = new();
    private readonly Queue<LaneRequest> _waiting = new();
    private readonly List<uint> _closeScratch = [];
    // Commands are written here under the lock and sent by one flusher at a time (_flushing): a session never waits
    // for another session's send.
    private ArrayBufferWriter<byte> _pending = new(4096);
    private ArrayBufferWriter<byte> _sending = new(4096);
    private bool _flushing;
    private volatile bool _failed;
    private string? _failure;
    private int _depth;
    private ResponseScanner _scanner;

    public PipelinedLane(BackendConnection connection, LaneSet owner, int maxDepth, TimeSpan stallTimeout)
    {
        Connection = connection;
        _owner = owner;
        _maxDepth = maxDepth;
        _stallTimeout = stallTimeout;
    }

    public BackendConnection Connection { get; }
    public bool IsFailed => _failed;
    /// <summary>When a command was last queued (Stopwatch ticks): an idle lane is closed.</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);
    private long _lastUsed = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Commands waiting for their answers (read without the lock: a hint for choosing a lane).</summary>
    public int Depth => Volatile.Read(ref _depth);

    public void Start() => _ = ReadLoopAsync();

    /// <summary>Queues a command the client sent (one whole packet). False when the lane cannot take it (failed or
    /// full): the caller serves it the usual way.</summary>
    public bool TrySend(LaneRequest request, in ReadOnlySequence<byte> packet)
    {
        bool send;
        lock (_lock)
        {
            if (!CanTake())
                return false;
            Append(packet);
            send = Enqueue(request);
        }
        if (send)
            _ = FlushLoopAsync();
        return true;
    }

    /// <summary>Queues a COM_STMT_PREPARE of the proxy's own: the statement is then known on this lane.</summary>
    public bool TrySendPrepare(LaneRequest request, string sql)
    {
        byte[] payload = [(byte)CommandCode.StmtPrepare, .. Encoding.UTF8.GetBytes(sql)];
        bool send;
        lock (_lock)
        {
            if (!CanTake())
                return false;
            PacketFramer.WritePacket(_pending, payload, 0);
            send = Enqueue(request);
        }
        if (send)
            _ = FlushLoopAsync();
        return true;
    }

    /// <summary>Queues a client's COM_STMT_EXECUTE (one whole packet) under this lane's id for the statement, with the
    /// parameter types added when the lane's statement has not been sent them. False when the lane cannot take it
    /// (<paramref name="unprepared"/>: the statement is not prepared here yet; or a cursor is asked for, which pins a
    /// session to its connection).</summary>
    public bool TrySendExecute(LaneRequest request, in ReadOnlySequence<byte> packet, ClientStatement statement, out bool unprepared)
    {
        unprepared = false;
        var payloadSequence = packet.Slice(PacketHeader.Size);
        // A packet split across buffer segments (rare) is served the usual way: types may have to be rebuilt from it.
        if (!payloadSequence.IsSingleSegment)
            return false;
        var payload = payloadSequence.FirstSpan;
        if (!StmtExecuteRequest.TryParse(payload, statement.ParameterCount, out var layout) || layout.CursorFlags != CursorType.NoCursor)
            return false;
        bool send;
        lock (_lock)
        {
            if (!CanTake())
                return false;
            if (!Connection.Statements.TryGet(statement, out var backendStatement))
            {
                unprepared = true;
                return false;
            }
            // Types are planned under the lock: what the server knows of them is what the last EXECUTE sent before this
            // one carried, in this lane's order.
            if (!ExecutePlanner.NeedsTypes(payload, layout, statement, backendStatement))
            {
                var span = _pending.GetSpan((int)packet.Length);
                packet.CopyTo(span);
                StatementIdField.Write(span[PacketHeader.Size..(int)packet.Length], backendStatement.Id);
                _pending.Advance((int)packet.Length);
            }
            else
            {
                CommandForwarder.WriteExecuteWithTypes(_pending, payload, layout, statement.Types!, backendStatement.Id);
                backendStatement.BoundTypes = statement.Types;
            }
            send = Enqueue(request);
        }
        if (send)
            _ = FlushLoopAsync();
        return true;
    }

    /// <summary>Records a statement the lane prepared (see <see cref="TrySendPrepare"/>). Statements evicted from the
    /// lane's cache are closed with the next send (COM_STMT_CLOSE has no answer, so it needs no place in the queue).</summary>
    public void AddStatement(string cacheKey, uint id, ushort parameters, int capacity)
    {
        lock (_lock)
        {
            if (Connection.Statements.TryGet(cacheKey, out _))
            {
                // Two sessions prepared it at once: the second copy is not needed.
                _closeScratch.Add(id);
            }
            else
            {
                Connection.Statements.Add(cacheKey, id, parameters, capacity, _closeScratch);
            }
            CommandForwarder.WriteStatementCloses(_pending, _closeScratch);
        }
    }

    /// <summary>Stops the lane: commands still waiting are handed back (see <see cref="LaneStatus"/>).</summary>
    public void Fail(string reason)
    {
        lock (_lock)
        {
            if (_failed)
                return;
            _failed = true;
            _failure = reason;
        }
        Connection.MarkBroken();
        // Ends a read or send in progress at once; the read loop then hands the waiting commands back.
        Connection.Channel.Abort();
    }

    private bool CanTake() => !_failed && _waiting.Count < _maxDepth;

    /// <summary>True when the caller is to start the flusher: nothing else is waiting. Otherwise the command is held
    /// until the answer ahead of it is complete, when the read loop sends everything held meanwhile in one write
    /// (Nagle's rule on commands). The server answers one command at a time, so holding costs it nothing, while one write
    /// per answer instead of one per command spares both sides a wake-up per statement. Under the lock.</summary>
    private bool Enqueue(LaneRequest request)
    {
        _lastUsed = System.Diagnostics.Stopwatch.GetTimestamp();
        _waiting.Enqueue(request);
        _depth = _waiting.Count;
        return _waiting.Count == 1 && ClaimFlush();
    }

    /// <summary>Makes the caller the flusher when something is to be sent and no flusher runs. Under the lock.</summary>
    private bool ClaimFlush()
    {
        if (_flushing || _pending.WrittenCount == 0)
            return false;
        _flushing = true;
        return true;
    }

    private void Append(in ReadOnlySequence<byte> packet)
    {
        var length = (int)packet.Length;
        packet.CopyTo(_pending.GetSpan(length));
        _pending.Advance(length);
    }

    private async Task FlushLoopAsync()
    {
        var writer = Connection.Channel.Writer;
        try
        {
            while (true)
            {
                ArrayBufferWriter<byte> chunk;
                lock (_lock)
                {
                    if (_pending.WrittenCount == 0 || _failed)
                    {
                        _flushing = false;
                        return;
                    }
                    chunk = _pending;
                    _pending = _sending;
                    _sending = chunk;
                }
                writer.Write(chunk.WrittenSpan);
                chunk.ResetWrittenCount();
                _owner.CountWrite();
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted)
                    throw new IOException("backend connection closed");
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            lock (_lock)
                _flushing = false;
            Fail($"sending to the backend failed: {e.Message}");
        }
    }

    /// <summary>Reads answers in order and streams each to the session that waits for it; the only code that writes to
    /// those sessions' clients while they wait.</summary>
    private async Task ReadLoopAsync()
    {
        var reader = Connection.Channel.Reader;
        var deprecateEof = Connection.Profile.DeprecateEof;
        var answered = new List<(LaneRequest Request, LaneResult Result)>();
        LaneRequest? current = null;
        string? failure = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (true)
                {
                    if (current is null)
                    {
                        if (buffer.IsEmpty)
                            break;
                        lock (_lock)
                            current = _waiting.Count > 0 ? _waiting.Peek() : null;
                        if (current is null)
                            throw new InvalidDataException("the backend sent data nobody asked for");
                        _scanner.Start(current.Shape, deprecateEof);
                    }
                    var status = _scanner.Scan(buffer, out var consumed);
                    var part = buffer.Slice(0, consumed);
                    buffer = buffer.Slice(consumed);
                    if (!part.IsEmpty && current.Client is { } client && !current.Discarding)
                    {
                        CommandForwarder.Copy(part, client);
                        current.ClientSawBytes = true;
                    }
                    if (status == ScanStatus.Complete)
                    {
                        // The server is done with this command: the reads held behind it leave now, before this answer
                        // goes to its client, so that the server is busy while the client is served.
                        bool send;
                        lock (_lock)
                        {
                            _waiting.Dequeue();
                            _depth = _waiting.Count;
                            send = ClaimFlush();
                        }
                        if (send)
                            _ = FlushLoopAsync();
                        // Counted before the client can have the answer: whoever reads the count after seeing it (the
                        // tests, /metrics) must find it there.
                        _owner.CountAnswered();
                        await FlushClientAsync(current).ConfigureAwait(false);
                        answered.Add((current, current.Discarding
                            ? new LaneResult(LaneStatus.ClientFailed, Failure: current.ClientFailure)
                            : new LaneResult(LaneStatus.Answered, _scanner.Status, _scanner.IsError, _scanner.Warnings, _scanner.PreparedStatementId, _scanner.PreparedParameterCount)));
                        current = null;
                        continue;
                    }
                    if (status == ScanStatus.LocalInfileRequested)
                        throw new InvalidDataException("the backend asked for a LOCAL INFILE on a pipelined read");
                    // A large answer streams: the client takes this part before more is read from the backend.
                    if (!part.IsEmpty)
                        await FlushClientAsync(current).ConfigureAwait(false);
                    break;
                }
                reader.AdvanceTo(buffer.Start, result.Buffer.End);
                // Sessions resume only now: the loop's own state is settled before their code runs.
                foreach (var (request, outcome) in answered)
                    request.Complete(outcome);
                answered.Clear();
                if (result.IsCompleted)
                    throw new IOException("the backend closed the connection");
            }
        }
        catch (Exception e)
        {
            failure = e is Protocol.ProtocolException ? $"the backend sent a malformed response: {e.Message}" : e.Message;
        }
        foreach (var (request, outcome) in answered)
            request.Complete(outcome);
        Fail(failure ?? "lane closed");
        LaneRequest[] orphans;
        lock (_lock)
        {
            orphans = [.. _waiting];
            _waiting.Clear();
            _depth = 0;
        }
        var reason = _failure ?? failure ?? "lane closed";
        foreach (var request in orphans)
            request.Complete(new LaneResult(request.ClientSawBytes ? LaneStatus.LostMidAnswer : LaneStatus.NotAnswered, Failure: reason));
        await _owner.RemoveAsync(this, reason).ConfigureAwait(false);
    }

    /// <summary>Sends what was copied to a client. A client that does not take it within the stall timeout loses its
    /// connection and the rest of its answer is dropped: one client must not hold up everyone behind it.</summary>
    private async ValueTask FlushClientAsync(LaneRequest request)
    {
        if (request.Client is not { } client || request.Discarding)
            return;
        try
        {
            var flush = client.FlushAsync();
            if (flush.IsCompletedSuccessfully)
            {
                if (flush.Result.IsCompleted)
                    request.Drop("the client closed the connection");
                return;
            }
            var pending = flush.AsTask();
            try
            {
                await pending.WaitAsync(_stallTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                request.Drop($"the client did not read its answer for {_stallTimeout.TotalSeconds:0.#} s while sharing a pipelined backend connection");
                request.AbortClient?.Invoke();
                _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
        {
            request.Drop(e.Message);
        }
    }
}
