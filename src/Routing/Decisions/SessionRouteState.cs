namespace Switchyard.Routing.Decisions;

/// <summary>What the router needs to know about a session, as values.</summary>
/// <param name="Pinned">The session holds a connection it must keep using (transaction, user variables, locks, ...).</param>
/// <param name="HeldConnectionServes">The session holds a connection only for the next statement (after a
/// statement with warnings, an insert id or SQL_CALC_FOUND_ROWS), and the next statement asks about the
/// previous one (SHOW WARNINGS, LAST_INSERT_ID(), FOUND_ROWS()), so it must run there.</param>
/// <param name="AutocommitOff">The server reported AUTOCOMMIT off: every statement belongs to a transaction.</param>
internal readonly record struct SessionRouteState(bool Pinned, bool HeldConnectionServes, bool AutocommitOff);
