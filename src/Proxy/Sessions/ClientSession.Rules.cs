using System.Buffers;
using Switchyard.Protocol.Responses;
using Switchyard.Proxy.Backends;
using Switchyard.Proxy.Digests;
using Switchyard.Proxy.Logging;
using Switchyard.Routing.Classification;
using Switchyard.Routing.Digests;
using Switchyard.Routing.Rules;

namespace Switchyard.Proxy.Sessions;

/// <summary>The operator's side of a statement: its digest for the statistics and the first routing rule it matches
/// (block, route, consistency, timeout), against the configuration current when the statement arrived.</summary>
internal sealed partial class ClientSession
{
    private StatementPolicy PolicyFor(StatementClassification statement, ReadOnlySpan<byte> sql, ClassificationOptions options)
    {
        var noBackslashEscapes = (options & ClassificationOptions.NoBackslashEscapes) != 0;
        DigestEntry? digest = null;
        ulong? hash = null;
        if (_context.Digests is { } digests)
        {
            Span<byte> text = stackalloc byte[QueryDigest.DefaultMaxLength];
            var computed = QueryDigest.Normalize(sql, text, out var written, backslashEscapes: !noBackslashEscapes);
            digest = digests.Find(computed, text[..written]);
            hash = computed;
        }
        var rules = _context.Live.Current.Rules;
        var rule = rules.Count == 0
            ? null
            : rules.Match(new RuleInput(statement.Class, sql, _identity?.User ?? "", _backends.Schema, _clientIp) { Digest = hash, NoBackslashEscapes = noBackslashEscapes });
        return new StatementPolicy(rule, digest);
    }

    /// <summary>A rule blocks the statement: it is not forwarded, and the client gets the rule's message.</summary>
    private async ValueTask<string?> BlockAsync(StatementPolicy policy, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        var rule = policy.Rule!;
        Log.StatementBlocked(_logger, _id, rule.Name);
        _context.Metrics.Error("blocked_by_rule");
        policy.Digest?.RecordBlocked();
        await SkipCommandAsync(buffer, cancellationToken).ConfigureAwait(false);
        await _client.WritePacketAsync(new ErrPacket(RuleAction.BlockedErrorCode, "42000", rule.Action.BlockMessage!).Serialize(), 1, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private StatementTimeout? StartTimeout(in StatementPolicy policy, BackendConnection backend) =>
        policy.Timeout is { } limit && _context.PoolOf(backend.Endpoint) is { } pool
            ? StatementTimeout.Start(limit, policy.Rule!.Name, backend, pool, _logger, _id)
            : null;
}
