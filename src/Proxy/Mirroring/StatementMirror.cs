using System.Text;
using Microsoft.Extensions.Logging;
using Prometheus;
using Switchyard.Protocol.Commands;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Hosting;
using Switchyard.Proxy.Logging;
using Switchyard.Routing.Health;

namespace Switchyard.Proxy.Mirroring;

/// <summary>
/// Copies of statements for a rule's <c>mirror:</c> group, like ProxySQL's mirror hostgroup: once the statement
/// succeeded for the client, a backend of the group runs the same SQL text in the session's database, in the
/// background, and its answer is discarded. The client never waits for a mirror and never sees its errors; mirrors
/// beyond <see cref="MaxInFlight"/> at once are dropped (counted) rather than queued without bound.
/// </summary>
internal sealed class StatementMirror
{
    /// <summary>Mirrors running at once across the proxy.</summary>
    public const int MaxInFlight = 64;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ProxyContext _context;
    private readonly ILogger _logger;
    private readonly Counter _statements;
    private int _inFlight;
    private uint _next;

    public StatementMirror(ProxyContext context, ILogger logger)
    {
        _context = context;
        _logger = logger;
        _statements = Prometheus.Metrics.WithCustomRegistry(context.Metrics.Registry).CreateCounter("switchyard_mirrored_statements_total",
            "Statements copied to a rule's mirror group, by result: ok, error (the mirror's server refused it), failed (no connection, "
            + "lost, timed out), no_backend (no backend of the group available) or dropped (too many mirrors in flight).", "group", "result");
    }

    /// <summary>Starts a mirror of <paramref name="sql"/> (the statement's text, owned by the mirror from now on) once
    /// <paramref name="previous"/> (the same session's last mirror) has run, so that a session's copies apply in the
    /// order its statements did. Returns the task to chain the session's next mirror to.</summary>
    public Task Submit(string group, ConnectionProfile profile, string? schema, byte[] sql, Task? previous)
    {
        if (Interlocked.Increment(ref _inFlight) > MaxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            _statements.WithLabels(group, "dropped").Inc();
            return previous ?? Task.CompletedTask;
        }
        return RunAsync(group, profile, schema, sql, previous);
    }

    private async Task RunAsync(string group, ConnectionProfile profile, string? schema, byte[] sql, Task? previous)
    {
        var result = "failed";
        try
        {
            if (previous is not null)
                await previous.ConfigureAwait(false); // never faults: every mirror catches its own failures

            if (Pick(group) is not { } pool)
            {
                result = "no_backend";
                return;
            }
            using var timeout = new CancellationTokenSource(Timeout);
            var connection = await pool.LeaseAsync(profile, timeout.Token).ConfigureAwait(false);
            try
            {
                if (connection.Schema != schema)
                {
                    if (schema is null)
                        await pool.ResetAsync(connection, timeout.Token).ConfigureAwait(false);
                    else if (await connection.RunSimpleCommandAsync(CommandCode.InitDb, Encoding.UTF8.GetBytes(schema), timeout.Token).ConfigureAwait(false) is { } useError)
                    {
                        result = "error";
                        Log.MirrorRefused(_logger, group, pool.Endpoint.Name, $"USE {schema}: {useError.ErrorCode} {useError.Message}");
                        return;
                    }
                    else
                        connection.Schema = schema;
                }
                var error = await connection.RunSimpleCommandAsync(CommandCode.Query, sql, timeout.Token).ConfigureAwait(false);
                result = error is null ? "ok" : "error";
                if (error is not null)
                    Log.MirrorRefused(_logger, group, pool.Endpoint.Name, $"{error.ErrorCode} {error.Message}");
            }
            finally
            {
                if (connection.IsBroken)
                    await pool.DiscardAsync(connection, "broken while mirroring").ConfigureAwait(false);
                else
                    pool.Return(connection, dirty: false);
            }
        }
        catch (Exception e) when (e is BackendUnavailableException or PoolExhaustedException or OperationCanceledException or IOException
            or EndOfStreamException or InvalidDataException or System.Net.Sockets.SocketException or Protocol.ProtocolException)
        {
            Log.MirrorFailed(_logger, group, e.Message);
        }
        finally
        {
            _statements.WithLabels(group, result).Inc();
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>The next available backend of the group in turn.</summary>
    private BackendPool? Pick(string group)
    {
        var members = _context.BackendSet.Backends;
        var start = Interlocked.Increment(ref _next);
        for (var n = 0; n < members.Count; n++)
        {
            var endpoint = members[(int)((start + n) % (uint)members.Count)];
            // Any state but down: a mirror target usually replicates from nothing (weight 0 keeps reads off it).
            if (endpoint.InGroup(group) && endpoint.IsAvailable && endpoint.Health?.State is not (HealthState.Down or HealthState.Shunned))
                return _context.PoolOf(endpoint);
        }
        return null;
    }
}
