namespace Switchyard.Routing.Classification;

/// <summary>What the caller knows about the text that the text itself cannot say.</summary>
[Flags]
internal enum ClassificationOptions : byte
{
    /// <summary>The complete statement text, backslash escapes on.</summary>
    None = 0,

    /// <summary>The text is only the start of the statement (cut at a size cap); the rest is unknown.</summary>
    Truncated = 1 << 0,

    /// <summary>The session runs with NO_BACKSLASH_ESCAPES (server status flag): <c>\</c> does not escape
    /// a quote, which changes where strings end.</summary>
    NoBackslashEscapes = 1 << 1,
}
