using Switchyard.Routing.Topology;

namespace Switchyard.Routing.Tests.Topology;

public sealed class WriterElectionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FailbackAfter = TimeSpan.FromSeconds(30);

    private static WriterCandidate Up(string name, double healthyForSeconds = 3600) =>
        new(name, true, "", Now - TimeSpan.FromSeconds(healthyForSeconds));

    private static WriterCandidate Down(string name, string reason = "down: unreachable") => new(name, false, reason, null);

    private static ElectionOutcome Elect(string? current, FailbackPolicy failback, params WriterCandidate[] writers) =>
        WriterElection.Elect(new ElectionInput(writers, current, failback, FailbackAfter, null, Now));

    [Fact]
    public void Elect_FirstElection_TakesTheFirstHealthyWriterInOrder()
    {
        var outcome = WriterElection.Elect(new ElectionInput([Down("w1"), Up("w2"), Up("w3")], null, FailbackPolicy.Automatic, FailbackAfter, null, Now, Started: false));

        Assert.Equal("w2", outcome.Active);
        Assert.Equal(WriterChange.Initial, outcome.Change);
    }

    [Fact]
    public void Elect_ActiveHealthy_StaysWithoutChange()
    {
        var outcome = Elect("w1", FailbackPolicy.Automatic, Up("w1"), Up("w2"));

        Assert.Equal("w1", outcome.Active);
        Assert.Equal(WriterChange.None, outcome.Change);
        Assert.Null(outcome.FailbackDue);
    }

    [Fact]
    public void Elect_ActiveUnhealthy_FailsOverToTheNextHealthyInOrderAtOnce()
    {
        // w3 has been healthy for a moment only: a failover never waits for the failback delay.
        var outcome = Elect("w1", FailbackPolicy.Automatic, Down("w1"), Down("w2"), Up("w3", healthyForSeconds: 0.1), Up("w4"));

        Assert.Equal("w3", outcome.Active);
        Assert.Equal(WriterChange.Failover, outcome.Change);
    }

    [Fact]
    public void Elect_ActiveUnhealthyInManualMode_StillFailsOver()
    {
        var outcome = Elect("w1", FailbackPolicy.Manual, Down("w1"), Up("w2"));

        Assert.Equal("w2", outcome.Active);
        Assert.Equal(WriterChange.Failover, outcome.Change);
    }

    [Fact]
    public void Elect_FailoverSkipsWritersBeforeTheActiveOne_TakesTheFirstHealthyOfAll()
    {
        // w2 active dies; w1 (earlier) is healthy again: the first healthy in order is w1.
        var outcome = Elect("w2", FailbackPolicy.Manual, Up("w1", healthyForSeconds: 1), Down("w2"), Up("w3"));

        Assert.Equal("w1", outcome.Active);
        Assert.Equal(WriterChange.Failover, outcome.Change);
    }

    [Fact]
    public void Elect_NoWriterHealthy_NoneIsActiveAndTheChangeIsLost()
    {
        var outcome = Elect("w1", FailbackPolicy.Automatic, Down("w1"), Down("w2"));

        Assert.Null(outcome.Active);
        Assert.Equal(WriterChange.Lost, outcome.Change);
    }

    [Fact]
    public void Elect_NoWriterHealthyAndNoneWasActive_NoChange()
    {
        var outcome = Elect(null, FailbackPolicy.Automatic, Down("w1"), Down("w2"));

        Assert.Null(outcome.Active);
        Assert.Equal(WriterChange.None, outcome.Change);
    }

    [Fact]
    public void Elect_NoneActiveAndOneComesBack_Recovered()
    {
        var outcome = Elect(null, FailbackPolicy.Automatic, Down("w1"), Up("w2", healthyForSeconds: 0.2));

        Assert.Equal("w2", outcome.Active);
        Assert.Equal(WriterChange.Recovered, outcome.Change);
    }

    [Fact]
    public void Elect_AutomaticEarlierWriterHealthyLessThanFailbackAfter_StaysAndSaysWhenFailbackIsDue()
    {
        var outcome = Elect("w2", FailbackPolicy.Automatic, Up("w1", healthyForSeconds: 10), Up("w2"));

        Assert.Equal("w2", outcome.Active);
        Assert.Equal(WriterChange.None, outcome.Change);
        Assert.Equal(Now + TimeSpan.FromSeconds(20), outcome.FailbackDue);
    }

    [Fact]
    public void Elect_AutomaticEarlierWriterHealthyForFailbackAfter_FailsBack()
    {
        var outcome = Elect("w2", FailbackPolicy.Automatic, Up("w1", healthyForSeconds: 30), Up("w2"));

        Assert.Equal("w1", outcome.Active);
        Assert.Equal(WriterChange.Failback, outcome.Change);
    }

    [Fact]
    public void Elect_AutomaticSeveralEarlierWritersDue_FailsBackToTheEarliest()
    {
        var outcome = Elect("w3", FailbackPolicy.Automatic, Up("w1", healthyForSeconds: 40), Up("w2", healthyForSeconds: 50), Up("w3"));

        Assert.Equal("w1", outcome.Active);
    }

    [Fact]
    public void Elect_AutomaticOnlyALaterWriterHealthyLong_NoFailbackToIt()
    {
        var outcome = Elect("w1", FailbackPolicy.Automatic, Up("w1", healthyForSeconds: 1), Up("w2", healthyForSeconds: 3600));

        Assert.Equal("w1", outcome.Active);
        Assert.Null(outcome.FailbackDue);
    }

    [Fact]
    public void Elect_ManualEarlierWriterHealthyForLong_Stays()
    {
        var outcome = Elect("w2", FailbackPolicy.Manual, Up("w1", healthyForSeconds: 3600), Up("w2"));

        Assert.Equal("w2", outcome.Active);
        Assert.Equal(WriterChange.None, outcome.Change);
        Assert.Null(outcome.FailbackDue);
    }

    [Fact]
    public void Elect_OverrideToAHealthyWriter_SwitchesOverAndHoldsAgainstFailback()
    {
        var input = new ElectionInput([Up("w1"), Up("w2")], "w1", FailbackPolicy.Automatic, FailbackAfter, "w2", Now);

        var outcome = WriterElection.Elect(input);
        var next = WriterElection.Elect(input with { Current = outcome.Active, Override = outcome.Override, Now = Now.AddHours(1) });

        Assert.Equal(("w2", WriterChange.Switchover, "w2"), (outcome.Active, outcome.Change, outcome.Override));
        Assert.Equal(("w2", WriterChange.None, "w2"), (next.Active, next.Change, next.Override));
    }

    [Fact]
    public void Elect_OverrideWriterBecomesUnhealthy_OverrideDroppedAndFailsOver()
    {
        var outcome = WriterElection.Elect(new ElectionInput([Up("w1"), Down("w2")], "w2", FailbackPolicy.Manual, FailbackAfter, "w2", Now));

        Assert.Equal("w1", outcome.Active);
        Assert.Equal(WriterChange.Failover, outcome.Change);
        Assert.Null(outcome.Override);
    }

    [Fact]
    public void Elect_OverrideNamesUnknownWriter_Ignored()
    {
        var outcome = WriterElection.Elect(new ElectionInput([Up("w1"), Up("w2")], "w1", FailbackPolicy.Manual, FailbackAfter, "w9", Now));

        Assert.Equal(("w1", WriterChange.None, (string?)null), (outcome.Active, outcome.Change, outcome.Override));
    }

    [Fact]
    public void Elect_CurrentNoLongerAWriter_TakesTheFirstHealthy()
    {
        var outcome = Elect("gone", FailbackPolicy.Automatic, Up("w1"), Up("w2"));

        Assert.Equal("w1", outcome.Active);
        Assert.Equal(WriterChange.Failover, outcome.Change);
    }
}
