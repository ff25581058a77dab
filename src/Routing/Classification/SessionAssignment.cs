namespace Switchyard.Routing.Classification;

/// <summary>One piece of session state set by a SET or USE statement.</summary>
/// <param name="Kind">What is set, and so how to replay it.</param>
/// <param name="Scope">How long it lasts.</param>
/// <param name="Name">A key for the state: the variable name in lower case without '@', '@@', scope or
/// quotes (<c>sql_mode</c>, <c>a</c>), or a fixed key: <c>names</c>, <c>character_set</c>,
/// <c>transaction_isolation</c>, <c>transaction_read_only</c>, <c>role</c>, <c>database</c>.</param>
/// <param name="ValueText">The value as SQL text, as written (quotes, comments, expressions kept), ready to
/// replay in the form given by <paramref name="Kind"/>.</param>
internal sealed record SessionAssignment(SessionAssignmentKind Kind, SessionVariableScope Scope, string Name, string ValueText);
