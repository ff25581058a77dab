using Switchyard.Protocol.PreparedStatements;
using Switchyard.Proxy.Statements;

namespace Switchyard.Proxy.Sessions;

/// <summary>Parameter types across backend statements: a client binds types once, on the first EXECUTE, but each
/// backend connection that runs the statement must be sent them once too.</summary>
internal static class ExecutePlanner
{
    /// <summary>
    /// Reads the EXECUTE's layout and decides whether it must be rebuilt with types. Records types the client
    /// sends. False when the payload cannot be parsed: it is then forwarded as it is, and the server judges it.
    /// </summary>
    public static bool Plan(ReadOnlySpan<byte> payload, ClientStatement statement, BackendStatement backendStatement, out StmtExecuteLayout layout, out bool rebuild)
    {
        rebuild = false;
        if (!StmtExecuteRequest.TryParse(payload, statement.ParameterCount, out layout))
            return false;
        rebuild = NeedsTypes(payload, layout, statement, backendStatement);
        return true;
    }

    /// <summary>The same for an EXECUTE already parsed into <paramref name="layout"/>: true when it must be rebuilt with types.</summary>
    public static bool NeedsTypes(ReadOnlySpan<byte> payload, in StmtExecuteLayout layout, ClientStatement statement, BackendStatement backendStatement)
    {
        if (layout.NewParamsBound)
        {
            var types = payload.Slice(layout.TypesOffset, layout.TypesLength);
            if (statement.Types is null || !types.SequenceEqual(statement.Types))
                statement.Types = types.ToArray();
            backendStatement.BoundTypes = statement.Types;
            return false;
        }
        var rebuild = statement.ParameterCount > 0 && statement.Types is not null
            && !ReferenceEquals(backendStatement.BoundTypes, statement.Types)
            && !(backendStatement.BoundTypes is { } bound && bound.AsSpan().SequenceEqual(statement.Types));
        if (!rebuild && statement.ParameterCount > 0 && backendStatement.BoundTypes is not null)
            backendStatement.BoundTypes = statement.Types ?? backendStatement.BoundTypes;
        return rebuild;
    }
}
