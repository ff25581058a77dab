namespace Switchyard.Routing.Rules;

/// <summary>Where a rule sends the statements it matches.</summary>
internal enum RuleRouteKind : byte
{
    /// <summary>The rule does not choose a backend: the statement is routed as if no rule matched.</summary>
    Default,

    /// <summary>The primary, whatever the statement's class (e.g. reads that must see the latest write).</summary>
    Primary,

    /// <summary>A replica chosen by the balancing policy, for statements a replica may serve.</summary>
    Replica,

    /// <summary>A healthy member of a named backend group (<c>backends[].groups</c>), for statements it may serve.</summary>
    Group,
}
