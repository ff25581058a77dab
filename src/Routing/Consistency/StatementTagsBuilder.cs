using System.Text;

namespace Switchyard.Routing.Consistency;

/// <summary>Collects the tags of one statement in reading order (later tags override earlier ones) and the
/// problems met on the way.</summary>
internal struct StatementTagsBuilder
{
    // Values are decoded on the stack up to this size; longer ones (a long MySQL GTID set) are rare.
    private const int StackLimit = 256;

    // A user key is held in memory by the write tracker: a bound keeps one client from filling it with megabytes.
    private const int MaxUserIdBytes = 256;

    private ConsistencyLevel? _consistency;
    private string? _userId;
    private GtidSet? _minGtid;
    private string? _problem;

    public readonly StatementTags Build() => new(_consistency, _userId, _minGtid, _problem);

    /// <summary>The part of <c>/*sy:...*/</c> after the colon: a consistency level.</summary>
    public void ApplyShortHint(ReadOnlySpan<byte> level)
    {
        Span<char> chars = level.Length <= StackLimit ? stackalloc char[level.Length] : new char[level.Length];
        int length = Encoding.UTF8.GetChars(level, chars);
        if (ConsistencyLevel.TryParse(chars[..length], out var parsed, out var error))
        {
            _consistency = parsed;
        }
        else
        {
            AddProblem($"sy hint: {error}");
        }
    }

    /// <summary>One sqlcommenter pair, still encoded; keys the proxy does not know are ignored.</summary>
    public void ApplyPair(ReadOnlySpan<byte> encodedKey, ReadOnlySpan<byte> rawValue)
    {
        TagKey key = IdentifyEncoded(encodedKey);
        if (key == TagKey.Unknown)
        {
            return;
        }

        // Most values are plain: decoding (and its buffer) only when there is an escape to undo.
        bool encoded = SqlCommenterReader.NeedsDecoding(rawValue);
        Span<byte> decoded = !encoded ? default : rawValue.Length <= StackLimit ? stackalloc byte[rawValue.Length] : new byte[rawValue.Length];
        int decodedLength = 0;
        if (encoded && !SqlCommenterReader.TryDecode(rawValue, decoded, out decodedLength))
        {
            AddProblem($"{Name(key)}: malformed %-escape");
            return;
        }

        ReadOnlySpan<byte> value = encoded ? decoded[..decodedLength] : rawValue;
        Span<char> chars = value.Length <= StackLimit ? stackalloc char[value.Length] : new char[value.Length];
        chars = chars[..Encoding.UTF8.GetChars(value, chars)];
        switch (key)
        {
            case TagKey.Consistency:
                ApplyLevel(ConsistencyLevel.TryParse(chars, out var level, out var error), level, error, key);
                break;
            case TagKey.MaxLag:
                bool valid = ConsistencyLevel.TryParseMaxLagSeconds(chars, out double seconds, out error);
                ApplyLevel(valid, ConsistencyLevel.MaxLag(seconds), error, key);
                break;
            case TagKey.UserId:
                ApplyUserId(value, chars);
                break;
            case TagKey.MinGtid:
                ApplyMinGtid(chars);
                break;
        }
    }

    private void ApplyLevel(bool valid, ConsistencyLevel level, string? error, TagKey key)
    {
        if (valid)
        {
            _consistency = level;
        }
        else
        {
            AddProblem($"{Name(key)}: {error}");
        }
    }

    private void ApplyUserId(ReadOnlySpan<byte> utf8, ReadOnlySpan<char> chars)
    {
        if (utf8.IsEmpty)
        {
            AddProblem("user_id: empty");
        }
        else if (utf8.Length > MaxUserIdBytes)
        {
            AddProblem($"user_id: longer than {MaxUserIdBytes} bytes");
        }
        else
        {
            _userId = chars.ToString();
        }
    }

    private void ApplyMinGtid(ReadOnlySpan<char> chars)
    {
        if (!GtidSet.TryParse(chars, out var gtid, out var error))
        {
            AddProblem($"min_gtid: {error}");
        }
        else if (!gtid!.IsEmpty)
        {
            // An empty min_gtid asks for nothing; keeping it would only make the tags look non-empty.
            _minGtid = gtid;
        }
    }

    private void AddProblem(string problem) => _problem = _problem is null ? problem : $"{_problem}; {problem}";

    private static TagKey IdentifyEncoded(ReadOnlySpan<byte> encodedKey)
    {
        if (!SqlCommenterReader.NeedsDecoding(encodedKey))
        {
            return Identify(encodedKey);
        }

        // Every known key is short: a longer encoded one cannot decode to it.
        Span<byte> decoded = stackalloc byte[32];
        return encodedKey.Length <= decoded.Length && SqlCommenterReader.TryDecode(encodedKey, decoded, out int length)
            ? Identify(decoded[..length])
            : TagKey.Unknown;
    }

    private static TagKey Identify(ReadOnlySpan<byte> key) =>
        key.SequenceEqual("consistency"u8) ? TagKey.Consistency
        : key.SequenceEqual("max_lag"u8) ? TagKey.MaxLag
        : key.SequenceEqual("user_id"u8) ? TagKey.UserId
        : key.SequenceEqual("min_gtid"u8) ? TagKey.MinGtid
        : TagKey.Unknown;

    private static string Name(TagKey key) => key switch
    {
        TagKey.Consistency => "consistency",
        TagKey.MaxLag => "max_lag",
        TagKey.UserId => "user_id",
        _ => "min_gtid",
    };

    private enum TagKey : byte
    {
        Unknown,
        Consistency,
        MaxLag,
        UserId,
        MinGtid,
    }
}
