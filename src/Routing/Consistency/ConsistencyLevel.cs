using System.Globalization;

namespace Switchyard.Routing.Consistency;

/// <summary>The kinds of guarantee a read can ask for.</summary>
internal enum ConsistencyKind : byte
{
    /// <summary>Any eligible (online) replica; may be stale.</summary>
    Eventual,

    /// <summary>The primary.</summary>
    Strong,

    /// <summary>A backend known to have applied the reader's own last write (connection or application user).</summary>
    ReadYourWrites,

    /// <summary>Only replicas measured at most <see cref="ConsistencyLevel.MaxLagSeconds"/> behind.</summary>
    BoundedStaleness,
}

/// <summary>A requested consistency: a kind, plus the lag bound for bounded staleness.</summary>
internal readonly record struct ConsistencyLevel(ConsistencyKind Kind, double MaxLagSeconds = 0)
{
    public static ConsistencyLevel Eventual => new(ConsistencyKind.Eventual);
    public static ConsistencyLevel Strong => new(ConsistencyKind.Strong);
    public static ConsistencyLevel ReadYourWrites => new(ConsistencyKind.ReadYourWrites);
    public static ConsistencyLevel MaxLag(double seconds) => new(ConsistencyKind.BoundedStaleness, seconds);

    /// <summary>Parses the documented spellings, case-insensitively: <c>strong</c>, <c>eventual</c>,
    /// <c>read-your-writes</c> (also <c>read_your_writes</c>, <c>ryw</c>), <c>max_lag=N</c> (N seconds, fractions
    /// allowed, 0 &lt; N ≤ 86400; also <c>max_lag:N</c>). On failure <paramref name="error"/> names the problem in
    /// words fit for an ERR packet.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out ConsistencyLevel level, out string? error)
    {
        ReadOnlySpan<char> name = text.Trim();
        level = default;
        error = null;
        if (name.Equals("strong", StringComparison.OrdinalIgnoreCase))
        {
            level = Strong;
        }
        else if (name.Equals("eventual", StringComparison.OrdinalIgnoreCase))
        {
            level = Eventual;
        }
        else if (name.Equals("read-your-writes", StringComparison.OrdinalIgnoreCase)
            || name.Equals("read_your_writes", StringComparison.OrdinalIgnoreCase)
            || name.Equals("ryw", StringComparison.OrdinalIgnoreCase))
        {
            level = ReadYourWrites;
        }
        else if (name.Length > MaxLagPrefix.Length
            && name.StartsWith(MaxLagPrefix, StringComparison.OrdinalIgnoreCase)
            && name[MaxLagPrefix.Length] is '=' or ':')
        {
            if (!TryParseMaxLagSeconds(name[(MaxLagPrefix.Length + 1)..], out double seconds, out error))
            {
                return false;
            }

            level = MaxLag(seconds);
        }
        else
        {
            error = name.IsEmpty
                ? "empty consistency level (expected strong, eventual, read-your-writes or max_lag=N)"
                : $"unknown consistency level '{Shorten(name)}' (expected strong, eventual, read-your-writes or max_lag=N)";
            return false;
        }

        return true;
    }

    /// <summary>Parses the N of max_lag=N: seconds in invariant-culture decimal notation, 0 &lt; N ≤ 86400.</summary>
    public static bool TryParseMaxLagSeconds(ReadOnlySpan<char> text, out double seconds, out string? error)
    {
        ReadOnlySpan<char> number = text.Trim();
        seconds = 0;

        // Digits and a point only: double.TryParse would also take "NaN" and "Infinity" whatever the styles say.
        if (number.ContainsAnyExcept(DecimalChars)
            || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out seconds))
        {
            error = $"max_lag '{Shorten(number)}' is not a number of seconds";
            return false;
        }

        if (seconds is <= 0 or > MaxLagLimitSeconds)
        {
            error = $"max_lag {Shorten(number)} is outside 0 (exclusive) to {MaxLagLimitSeconds} seconds";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>The canonical spelling: strong, eventual, read-your-writes, max_lag=1.5 (invariant culture).</summary>
    public override string ToString() => Kind switch
    {
        ConsistencyKind.Strong => "strong",
        ConsistencyKind.Eventual => "eventual",
        ConsistencyKind.ReadYourWrites => "read-your-writes",
        _ => "max_lag=" + MaxLagSeconds.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A short label for metrics: strong, eventual, read_your_writes, bounded_staleness.</summary>
    public string MetricLabel => Kind switch
    {
        ConsistencyKind.Strong => "strong",
        ConsistencyKind.Eventual => "eventual",
        ConsistencyKind.ReadYourWrites => "read_your_writes",
        _ => "bounded_staleness",
    };

    private const string MaxLagPrefix = "max_lag";

    private static readonly System.Buffers.SearchValues<char> DecimalChars = System.Buffers.SearchValues.Create("0123456789.");

    // A day: a bound beyond it is a typo, and no lag measurement is meaningful at that scale.
    private const double MaxLagLimitSeconds = 86400;

    // Error texts end up in ERR packets and logs; a client's garbage must not make them huge.
    private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 40 ? text.ToString() : string.Concat(text[..40], "…");
}
