using Switchyard.Routing.Classification;

namespace Switchyard.Routing.Consistency;

/// <summary>Finds consistency tags in SQL text (see <see cref="StatementTags"/>). Statements without "/*" cost one
/// vectorised search and allocate nothing.</summary>
internal static class StatementTagParser
{
    /// <summary>Reads the tags of a statement given as UTF-8 bytes. Later tags override earlier ones.</summary>
    public static StatementTags Parse(ReadOnlySpan<byte> sql, ClassificationOptions options) => throw new NotImplementedException();
}
