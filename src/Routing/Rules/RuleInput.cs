using System.Net;
using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Rules;

/// <summary>
/// What the rules see of one statement. Built by the session for each COM_QUERY (or prepared statement) after
/// classification; it references the session's own buffers and objects, so building it allocates nothing.
/// The digest is computed by the matcher only when a rule that names one is reached.
/// </summary>
internal readonly ref struct RuleInput
{
    public RuleInput(StatementClass statementClass, ReadOnlySpan<byte> sql, string user, string? schema, IPAddress? clientAddress)
    {
        Class = statementClass;
        Sql = sql;
        User = user;
        Schema = schema;
        ClientAddress = clientAddress;
    }

    /// <summary>The statement's class as the classifier found it.</summary>
    public StatementClass Class { get; }

    /// <summary>The statement text in UTF-8, as far as the proxy holds it (the first packet of a long one).</summary>
    public ReadOnlySpan<byte> Sql { get; }

    /// <summary>The client user the session authenticated as.</summary>
    public string User { get; }

    /// <summary>The session's current schema; null when none is selected.</summary>
    public string? Schema { get; }

    /// <summary>The client's address; null when unknown (then no rule with a client condition matches).</summary>
    public IPAddress? ClientAddress { get; }

    /// <summary>The statement's digest hash when the caller has already computed it (for digest statistics), so the
    /// matcher does not normalise the text a second time.</summary>
    public ulong? Digest { get; init; }

    /// <summary>True when the session runs with sql_mode NO_BACKSLASH_ESCAPES, which changes where strings end.</summary>
    public bool NoBackslashEscapes { get; init; }
}
