using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Rules;

/// <summary>The spellings of <see cref="StatementClass"/> in the configuration; the same words label metrics.</summary>
internal static class StatementClassNames
{
    /// <summary>Every name, in class order.</summary>
    public static IReadOnlyList<string> All { get; } = Enum.GetValues<StatementClass>().Select(NameOf).ToArray();

    public static string NameOf(StatementClass statementClass) => statementClass switch
    {
        StatementClass.SessionState => "session_state",
        StatementClass.TransactionControl => "transaction_control",
        _ => statementClass.ToString().ToLowerInvariant(),
    };

    /// <summary>Accepts the names case-insensitively, with '-' for '_' as well.</summary>
    public static bool TryParse(string text, out StatementClass statementClass)
    {
        var wanted = text.Trim().Replace('-', '_');
        foreach (var candidate in Enum.GetValues<StatementClass>())
        {
            if (string.Equals(NameOf(candidate), wanted, StringComparison.OrdinalIgnoreCase))
            {
                statementClass = candidate;
                return true;
            }
        }
        statementClass = default;
        return false;
    }
}
