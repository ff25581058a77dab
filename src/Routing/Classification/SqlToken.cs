namespace Switchyard.Routing.Classification;

/// <summary>
/// A token as a position in the lexed span rather than a copy of its text, so lexing allocates nothing;
/// <see cref="SqlLexer.TextOf"/> gives the text back.
/// </summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int Length)
{
    /// <summary>The offset just past the token.</summary>
    public int End => Start + Length;

    /// <summary>True for the end of a statement or of the input (a <c>;</c> also ends a statement).</summary>
    public bool IsEnd => Kind is SqlTokenKind.End or SqlTokenKind.Semicolon;
}
