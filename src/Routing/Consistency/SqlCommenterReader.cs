using System.Buffers;

namespace Switchyard.Routing.Consistency;

/// <summary>
/// Reads the <c>key='value'</c> pairs of a sqlcommenter comment's content, one at a time, without decoding them.
/// See https://google.github.io/sqlcommenter/spec/ — keys and values are URL-encoded, a value's single quotes are
/// escaped with a backslash, pairs are separated by commas.
/// </summary>
internal ref struct SqlCommenterReader
{
    // Unreserved URL characters plus '%' for escapes: what an encoded key can consist of.
    private static readonly SearchValues<byte> KeyBytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~%"u8);

    private readonly ReadOnlySpan<byte> _content;
    private int _position;

    /// <param name="content">The comment between <c>/*</c> and <c>*/</c>, trimmed.</param>
    public SqlCommenterReader(ReadOnlySpan<byte> content) => _content = content;

    /// <summary>True once the content turned out not to be a list of pairs (then it is an ordinary comment).</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>True when the whole content is a non-empty list of pairs; consumes the reader.</summary>
    public static bool IsSqlCommenter(ReadOnlySpan<byte> content)
    {
        var reader = new SqlCommenterReader(content);
        int pairs = 0;
        while (reader.TryNext(out _, out _))
        {
            pairs++;
        }

        return pairs > 0 && !reader.IsMalformed;
    }

    /// <summary>The next pair: the key as written (may hold %XX) and the value between its quotes (may hold
    /// <c>\'</c> and %XX). False at the end or when the text is not of that shape.</summary>
    public bool TryNext(out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> rawValue)
    {
        key = default;
        rawValue = default;
        if (IsMalformed || _position >= _content.Length)
        {
            return false;
        }

        int keyStart = _position;
        int keyLength = _content[keyStart..].IndexOfAnyExcept(KeyBytes);
        _position = keyLength < 0 ? _content.Length : keyStart + keyLength;

        if (_position == keyStart || _position + 1 >= _content.Length
            || _content[_position] != (byte)'=' || _content[_position + 1] != (byte)'\'')
        {
            return Fail();
        }

        key = _content[keyStart.._position];
        _position += 2;
        int valueStart = _position;
        while (true)
        {
            int next = _position < _content.Length ? _content[_position..].IndexOfAny((byte)'\'', (byte)'\\') : -1;
            if (next < 0)
            {
                return Fail();
            }

            _position += next;
            if (_content[_position] == (byte)'\'')
            {
                break;
            }

            _position += 2;
        }

        rawValue = _content[valueStart.._position];
        _position++;
        SkipSpaces();
        if (_position < _content.Length)
        {
            if (_content[_position] != (byte)',')
            {
                return Fail();
            }

            _position++;
            SkipSpaces();
            if (_position >= _content.Length)
            {
                // "a='1'," — a dangling separator is not the spec's shape.
                return Fail();
            }
        }

        return true;
    }

    /// <summary>Undoes the value's quoting: <c>\x</c> → x, then %XX → byte XX. False on a malformed %-escape.</summary>
    /// <param name="destination">At least as long as <paramref name="encoded"/>.</param>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, Span<byte> destination, out int written)
    {
        written = 0;
        for (int i = 0; i < encoded.Length; i++)
        {
            byte c = encoded[i];
            if (c == (byte)'\\' && i + 1 < encoded.Length)
            {
                c = encoded[++i];
            }
            else if (c == (byte)'%')
            {
                if (i + 2 >= encoded.Length || !IsHex(encoded[i + 1]) || !IsHex(encoded[i + 2]))
                {
                    return false;
                }

                c = (byte)((HexValue(encoded[i + 1]) << 4) | HexValue(encoded[i + 2]));
                i += 2;
            }

            destination[written++] = c;
        }

        return true;
    }

    private bool Fail()
    {
        IsMalformed = true;
        return false;
    }

    private void SkipSpaces()
    {
        while (_position < _content.Length && _content[_position] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            _position++;
        }
    }

    /// <summary>True when <see cref="TryDecode"/> would change the text (it holds a <c>\</c> or a <c>%</c>).</summary>
    public static bool NeedsDecoding(ReadOnlySpan<byte> encoded) => encoded.IndexOfAny((byte)'\\', (byte)'%') >= 0;

    private static bool IsHex(byte c) => char.IsAsciiHexDigit((char)c);

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
