using System.IO.Pipelines;
using System.Threading.Tasks.Sources;
using Switchyard.Protocol;
using Switchyard.Protocol.Responses;

namespace Switchyard.Proxy.Pipelining;

/// <summary>How a command sent on a lane ended.</summary>
internal enum LaneStatus : byte
{
    /// <summary>The whole answer reached the client (or the proxy, for its own PREPARE).</summary>
    Answered,
    /// <summary>The lane failed before any byte of the answer reached the client: the command may be sent elsewhere.</summary>
    NotAnswered,
    /// <summary>The lane failed in the middle of the answer: the client has part of it.</summary>
    LostMidAnswer,
    /// <summary>The client did not take its answer (its connection failed, or it stopped reading for the stall
    /// timeout): the rest of the answer was dropped so that the lane serves the others.</summary>
    ClientFailed,
}

/// <summary>What the answer to a command sent on a lane said.</summary>
internal readonly record struct LaneResult(
    LaneStatus Outcome,
    ServerStatusFlags Status = default,
    bool IsError = false,
    ushort Warnings = 0,
    uint PreparedStatementId = 0,
    ushort PreparedParameterCount = 0,
    string? Failure = null);

/// <summary>
/// One session's command waiting in a lane for its answer. A session has one such object and at most one command
/// in flight, so it is reused for every command (no allocation per statement); the lane completes it when the
/// answer has been forwarded to <see cref="Client"/>.
/// </summary>
internal sealed class LaneRequest : IValueTaskSource<LaneResult>
{
    private ManualResetValueTaskSourceCore<LaneResult> _core;

    /// <summary>Where the answer goes: the client's connection, or null for a command of the proxy's own, whose
    /// answer is only scanned (PREPARE on the lane: the scanner keeps the statement id).</summary>
    public PipeWriter? Client { get; private set; }
    public ResponseShape Shape { get; private set; }
    /// <summary>Set by the lane once any byte of the answer was written to the client.</summary>
    public bool ClientSawBytes { get; set; }
    /// <summary>Set by the lane when the client failed: the rest of the answer is read and dropped.</summary>
    public bool Discarding { get; private set; }
    public string? ClientFailure { get; private set; }

    /// <summary>Closes the client's connection (set once by the session): a client that stalls is cut off.</summary>
    public Action? AbortClient { get; init; }

    public void Drop(string reason)
    {
        Discarding = true;
        ClientFailure = reason;
    }

    /// <summary>Prepares the object for the next command.</summary>
    public ValueTask<LaneResult> Begin(PipeWriter? client, ResponseShape shape)
    {
        _core.Reset();
        Client = client;
        Shape = shape;
        ClientSawBytes = false;
        Discarding = false;
        ClientFailure = null;
        return new ValueTask<LaneResult>(this, _core.Version);
    }

    public void Complete(in LaneResult result) => _core.SetResult(result);

    LaneResult IValueTaskSource<LaneResult>.GetResult(short token) => _core.GetResult(token);
    ValueTaskSourceStatus IValueTaskSource<LaneResult>.GetStatus(short token) => _core.GetStatus(token);
    void IValueTaskSource<LaneResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
