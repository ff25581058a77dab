namespace Switchyard.Routing.Conflicts;

/// <summary>A column's merge rule: <c>latest:ts_column</c>, <c>max</c>, <c>min</c> or <c>prefer:node</c>.</summary>
internal sealed record MergeRule(MergeRuleKind Kind, string? Argument = null)
{
    /// <summary>The rule for <paramref name="text"/>, or null with <paramref name="problem"/> saying why not.</summary>
    public static MergeRule? Parse(string text, out string? problem)
    {
        problem = null;
        var colon = text.IndexOf(':');
        var (head, argument) = colon < 0 ? (text.Trim(), null) : (text[..colon].Trim(), text[(colon + 1)..].Trim());
        switch (head)
        {
            case "max" when argument is null:
                return new MergeRule(MergeRuleKind.Max);
            case "min" when argument is null:
                return new MergeRule(MergeRuleKind.Min);
            case "latest" when !string.IsNullOrEmpty(argument):
                return new MergeRule(MergeRuleKind.Latest, argument);
            case "prefer" when !string.IsNullOrEmpty(argument):
                return new MergeRule(MergeRuleKind.PreferNode, argument);
            default:
                problem = $"must be latest:<timestamp column>, max, min or prefer:<node>, not '{text}'";
                return null;
        }
    }

    public override string ToString() => Kind switch
    {
        MergeRuleKind.Latest => $"latest:{Argument}",
        MergeRuleKind.Max => "max",
        MergeRuleKind.Min => "min",
        _ => $"prefer:{Argument}",
    };
}
