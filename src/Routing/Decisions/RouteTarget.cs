namespace Switchyard.Routing.Decisions;

/// <summary>Where the next command of a session goes.</summary>
internal enum RouteTarget : byte
{
    /// <summary>The primary: writes, anything unrecognised, anything with a primary-only detail.</summary>
    Primary,

    /// <summary>A healthy replica chosen by the balancing policy (the primary when none is eligible).</summary>
    Replica,

    /// <summary>The connection the session already holds: a transaction or connection-bound state pins it there.</summary>
    Current,
}
