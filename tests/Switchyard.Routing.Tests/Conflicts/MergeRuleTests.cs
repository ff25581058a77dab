using Switchyard.Routing.Conflicts;

namespace Switchyard.Routing.Tests.Conflicts;

public sealed class MergeRuleTests
{
    [Theory]
    [InlineData("max", "Max", null)]
    [InlineData("min", "Min", null)]
    [InlineData("latest:email_at", "Latest", "email_at")]
    [InlineData("prefer: writer1", "PreferNode", "writer1")]
    public void Parse_KnownForms(string text, string kind, string? argument)
    {
        var rule = MergeRule.Parse(text, out var problem);

        Assert.Null(problem);
        Assert.Equal(new MergeRule(Enum.Parse<MergeRuleKind>(kind), argument), rule);
    }

    [Theory]
    [InlineData("newest")]
    [InlineData("latest")]
    [InlineData("prefer:")]
    [InlineData("max:x")]
    public void Parse_Unknown_SaysWhatIsAllowed(string text)
    {
        Assert.Null(MergeRule.Parse(text, out var problem));
        Assert.Contains("latest:<timestamp column>, max, min or prefer:<node>", problem);
    }
}
