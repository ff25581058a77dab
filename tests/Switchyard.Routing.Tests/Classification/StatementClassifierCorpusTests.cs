using Switchyard.Routing.Classification;
using Switchyard.Routing.Tests.Support;

namespace Switchyard.Routing.Tests.Classification;

/// <summary>
/// Classifies every statement of classification-corpus.txt; each line is its own test case, shown with
/// its line number and SQL so a failure points straight at the corpus.
/// </summary>
public sealed class StatementClassifierCorpusTests
{
    public static TheoryData<int, string> CorpusLines()
    {
        var data = new TheoryData<int, string>();
        foreach (CorpusEntry entry in ClassificationCorpus.Entries)
        {
            data.Add(entry.Line, entry.Sql);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusLines))]
    public void Classify_CorpusLine_MatchesExpectedClassAndFlags(int line, string sql)
    {
        CorpusEntry expected = ClassificationCorpus.At(line);

        StatementClassification actual = StatementClassifier.Classify(sql);

        Assert.Equal((expected.Class, expected.Flags), (actual.Class, actual.Flags));
    }

    [Theory]
    [MemberData(nameof(CorpusLines))]
    public void Classify_CorpusLineTruncated_AddsTruncatedFlag(int line, string sql)
    {
        CorpusEntry expected = ClassificationCorpus.At(line);

        StatementClassification actual = StatementClassifier.Classify(sql, ClassificationOptions.Truncated);

        Assert.Equal(expected.Flags | StatementFlags.Truncated, actual.Flags);
    }

    [Fact]
    public void Corpus_HasEnoughStatements_AtLeast300()
    {
        Assert.True(ClassificationCorpus.Entries.Count >= 300, $"only {ClassificationCorpus.Entries.Count} statements");
    }

    [Fact]
    public void Corpus_NoDuplicateStatements_EachSqlOnce()
    {
        var duplicates = ClassificationCorpus.Entries.GroupBy(e => e.Sql).Where(g => g.Count() > 1)
            .Select(g => $"{string.Join(",", g.Select(e => e.Line))}: {g.Key}").ToList();

        Assert.Empty(duplicates);
    }
}
