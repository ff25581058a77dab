namespace Switchyard.Routing.Digests;

/// <summary>What the digest writer last wrote: it decides the spacing of the next item.</summary>
internal enum Item : byte
{
    None,
    Keyword,
    Word,
    Literal,
    Operator,
    Open,
    Close,
    Comma,
    Dot,
    Semicolon,
    Other,
}

/// <summary>Writes digest text with one canonical spacing: a single space between items, none inside a
/// parenthesis, before a comma or semicolon, or around a dot.
/// Text beyond the buffer is cut.</summary>
internal ref struct DigestWriter(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;

    public int Length { get; private set; }
    public Item Previous { get; private set; }

    public void Emit(Item item, ReadOnlySpan<byte> text, bool joinPrevious = false)
    {
        if (!joinPrevious && NeedsSpace(item))
            Write(" "u8);
        Write(text);
        Previous = item;
    }

    public void EmitWord(ReadOnlySpan<byte> word, bool keyword)
    {
        if (NeedsSpace(Item.Word))
            Write(" "u8);
        var start = Length;
        Write(word);
        if (keyword)
            System.Text.Ascii.ToUpperInPlace(_destination[start..Length], out _);
        Previous = keyword ? Item.Keyword : Item.Word;
    }

    /// <summary>Goes back to an earlier length, when what was written since is replaced.</summary>
    public void Truncate(int length, Item previous)
    {
        Length = Math.Min(Length, length);
        Previous = previous;
    }

    /// <summary>After a list written from <paramref name="start"/> collapsed to "(...)": if the same shape stands
    /// just before it, after a comma, this copy and the comma are dropped (multi-row VALUES).</summary>
    public void DropRepeatedList(int start)
    {
        ReadOnlySpan<byte> repeated = "(...),"u8;
        if (start >= repeated.Length && start <= Length && _destination[(start - repeated.Length)..start].SequenceEqual(repeated))
        {
            Length = start - 1;
            Previous = Item.Close;
        }
    }

    private readonly bool NeedsSpace(Item next) =>
        Length > 0
        && next is not (Item.Close or Item.Comma or Item.Dot or Item.Semicolon)
        && Previous is not (Item.Open or Item.Dot);

    private void Write(ReadOnlySpan<byte> text)
    {
        var room = _destination.Length - Length;
        if (room <= 0)
            return;
        var take = Math.Min(room, text.Length);
        text[..take].CopyTo(_destination[Length..]);
        Length += take;
    }
}
