using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Tests.Support;

/// <summary>One line of Classification/classification-corpus.txt.</summary>
internal sealed record CorpusEntry(int Line, StatementClass Class, StatementFlags Flags, string Sql);

/// <summary>
/// Reads the classification corpus: "Class | Flags | SQL" a line, '#' comments and blank lines skipped,
/// ⏎ and ⇥ standing for a newline and a tab in the SQL.
/// </summary>
internal static class ClassificationCorpus
{
    private static readonly Lazy<IReadOnlyList<CorpusEntry>> LazyEntries = new(Load);

    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "Classification", "classification-corpus.txt");

    public static IReadOnlyList<CorpusEntry> Entries => LazyEntries.Value;

    public static CorpusEntry At(int line) => Entries.Single(e => e.Line == line);

    private static IReadOnlyList<CorpusEntry> Load()
    {
        var entries = new List<CorpusEntry>();
        string[] lines = File.ReadAllLines(FilePath);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Trim().Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] parts = line.Split('|', 3);
            if (parts.Length != 3)
            {
                throw new FormatException($"corpus line {i + 1}: expected 'Class | Flags | SQL': {line}");
            }

            var statementClass = Enum.Parse<StatementClass>(parts[0].Trim());
            var flags = ParseFlags(parts[1].Trim(), i + 1);
            string sql = parts[2].Trim().Replace('⏎', '\n').Replace('⇥', '\t');
            entries.Add(new CorpusEntry(i + 1, statementClass, flags, sql));
        }

        return entries;
    }

    private static StatementFlags ParseFlags(string text, int line)
    {
        if (text == "-")
        {
            return StatementFlags.None;
        }

        var flags = StatementFlags.None;
        foreach (string name in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse(name, out StatementFlags flag) || !Enum.IsDefined(flag))
            {
                throw new FormatException($"corpus line {line}: unknown flag '{name}'");
            }

            flags |= flag;
        }

        return flags;
    }
}
