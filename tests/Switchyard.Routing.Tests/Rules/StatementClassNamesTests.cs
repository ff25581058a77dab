using Switchyard.Routing.Classification;
using Switchyard.Routing.Rules;

namespace Switchyard.Routing.Tests.Rules;

public sealed class StatementClassNamesTests
{
    [Theory]
    [InlineData("read", (int)StatementClass.Read)]
    [InlineData("WRITE", (int)StatementClass.Write)]
    [InlineData("session_state", (int)StatementClass.SessionState)]
    [InlineData("transaction-control", (int)StatementClass.TransactionControl)]
    [InlineData("other", (int)StatementClass.Other)]
    public void TryParse_KnownName_IsTheClass(string text, int expected)
    {
        Assert.True(StatementClassNames.TryParse(text, out var parsed));
        Assert.Equal(expected, (int)parsed);
    }

    [Theory]
    [InlineData("reads")]
    [InlineData("select")]
    [InlineData("")]
    public void TryParse_UnknownName_Fails(string text)
    {
        Assert.False(StatementClassNames.TryParse(text, out _));
    }

    [Fact]
    public void All_NamesEveryClassOnceAndRoundTrips()
    {
        Assert.Equal(Enum.GetValues<StatementClass>().Length, StatementClassNames.All.Distinct().Count());
        foreach (var statementClass in Enum.GetValues<StatementClass>())
        {
            Assert.True(StatementClassNames.TryParse(StatementClassNames.NameOf(statementClass), out var parsed));
            Assert.Equal(statementClass, parsed);
        }
    }
}
