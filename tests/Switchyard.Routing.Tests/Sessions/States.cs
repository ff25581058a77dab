using Switchyard.Routing.Classification;
using Switchyard.Routing.Sessions;

namespace Switchyard.Routing.Tests.Sessions;

internal static class States
{
    /// <summary>The state after running <paramref name="statements"/> (each parsed, then applied) on <paramref name="start"/>.</summary>
    public static SessionState After(SessionState start, params string[] statements)
    {
        SessionState state = start;
        foreach (string sql in statements)
        {
            state = state.With(SessionStateParser.Parse(sql));
        }

        return state;
    }

    /// <summary>The state after running <paramref name="statements"/> on a fresh connection.</summary>
    public static SessionState Of(params string[] statements) => After(SessionState.Empty, statements);

    /// <summary>The settings as "Kind:Name=Value" lines, for readable assertions.</summary>
    public static string[] Describe(SessionState state) =>
        state.Settings.Select(s => $"{s.Kind}:{s.Name}={s.ValueText}").ToArray();
}
