using System.Text;

namespace Switchyard.Routing.Consistency;

// MySQL notation: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7,<uuid>:tag:1-3".
// See https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html
internal sealed partial class GtidSet
{
    // MySQL's own upper bound for a transaction number (2^63 - 2), which also keeps Last + 1 from overflowing.
    private const long MaxTransactionNumber = long.MaxValue - 1;
    private const int MaxTagLength = 32;

    private static bool TryParseMySql(ReadOnlySpan<char> text, out GtidSet? set, out string? error)
    {
        set = null;
        var pieces = new List<(UInt128 Uuid, string Tag, GtidInterval Interval)>();
        foreach (Range range in text.Split(','))
        {
            if (!TryParseMySqlElement(text[range].Trim(), pieces, out error))
            {
                return false;
            }
        }

        pieces.Sort(static (a, b) =>
        {
            int byUuid = a.Uuid.CompareTo(b.Uuid);
            if (byUuid != 0)
            {
                return byUuid;
            }

            int byTag = string.CompareOrdinal(a.Tag, b.Tag);
            return byTag != 0 ? byTag : a.Interval.First.CompareTo(b.Interval.First);
        });

        var sources = new List<MySqlGtidSource>();
        int start = 0;
        while (start < pieces.Count)
        {
            int end = start;
            var intervals = new List<GtidInterval>();
            while (end < pieces.Count && pieces[end].Uuid == pieces[start].Uuid && pieces[end].Tag == pieces[start].Tag)
            {
                AddSorted(intervals, pieces[end].Interval);
                end++;
            }

            sources.Add(new MySqlGtidSource(pieces[start].Uuid, pieces[start].Tag, intervals.ToArray()));
            start = end;
        }

        set = new GtidSet(GtidFlavor.MySql, [], sources.ToArray());
        error = null;
        return true;
    }

    /// <summary>Parses "uuid:interval[:interval...][:tag:interval...]" into one piece per interval.</summary>
    private static bool TryParseMySqlElement(ReadOnlySpan<char> element, List<(UInt128, string, GtidInterval)> pieces, out string? error)
    {
        if (element.IsEmpty)
        {
            error = "empty element in a comma-separated GTID set";
            return false;
        }

        var parts = element.Split(':');
        parts.MoveNext();
        ReadOnlySpan<char> uuidText = element[parts.Current].Trim();
        if (!TryParseUuid(uuidText, out UInt128 uuid))
        {
            error = $"'{uuidText}' is not a server uuid";
            return false;
        }

        string tag = "";
        bool hasInterval = false;
        while (parts.MoveNext())
        {
            ReadOnlySpan<char> part = element[parts.Current].Trim();
            if (part.Length > 0 && (char.IsAsciiLetter(part[0]) || part[0] == '_'))
            {
                if (!IsValidTag(part))
                {
                    error = $"'{part}' is not a GTID tag";
                    return false;
                }

                tag = part.ToString().ToLowerInvariant();
                hasInterval = false;
                continue;
            }

            if (!TryParseInterval(part, out var interval, out error))
            {
                error = $"GTID set element for {FormatUuid(uuid)}: {error}";
                return false;
            }

            pieces.Add((uuid, tag, interval));
            hasInterval = true;
        }

        if (!hasInterval)
        {
            error = $"GTID set element '{element}' has no transaction interval";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryParseInterval(ReadOnlySpan<char> text, out GtidInterval interval, out string? error)
    {
        interval = default;
        int dash = text.IndexOf('-');
        ReadOnlySpan<char> firstText = dash < 0 ? text : text[..dash];
        ReadOnlySpan<char> lastText = dash < 0 ? text : text[(dash + 1)..];
        if (!TryParseNumber(firstText, "transaction number", out long first, out error)
            || !TryParseNumber(lastText, "transaction number", out long last, out error))
        {
            return false;
        }

        if (first < 1 || last > MaxTransactionNumber)
        {
            error = $"interval '{text}' is outside 1-{MaxTransactionNumber}";
            return false;
        }

        if (last < first)
        {
            error = $"interval '{text}' ends before it starts";
            return false;
        }

        interval = new GtidInterval(first, last);
        return true;
    }

    private static bool IsValidTag(ReadOnlySpan<char> tag)
    {
        if (tag.Length > MaxTagLength)
        {
            return false;
        }

        foreach (char c in tag)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses the 8-4-4-4-12 hex form; the value orders and prints like the text, lowercased.</summary>
    private static bool TryParseUuid(ReadOnlySpan<char> text, out UInt128 uuid)
    {
        uuid = 0;
        if (text.Length != 36)
        {
            return false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (i is 8 or 13 or 18 or 23)
            {
                if (c != '-')
                {
                    return false;
                }

                continue;
            }

            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }

            uuid = (uuid << 4) | (uint)HexValue(c);
        }

        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static string FormatUuid(UInt128 uuid)
    {
        string hex = uuid.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    /// <summary>Appends an interval that starts at or after every interval already in the list, merging when it
    /// overlaps or touches the last one.</summary>
    private static void AddSorted(List<GtidInterval> intervals, GtidInterval next)
    {
        if (intervals.Count > 0 && next.First <= intervals[^1].Last + 1)
        {
            var last = intervals[^1];
            intervals[^1] = last with { Last = Math.Max(last.Last, next.Last) };
        }
        else
        {
            intervals.Add(next);
        }
    }

    private static bool MySqlContains(MySqlGtidSource[] have, MySqlGtidSource[] need)
    {
        int h = 0;
        foreach (var source in need)
        {
            while (h < have.Length && have[h].CompareKey(source) < 0)
            {
                h++;
            }

            if (h == have.Length || !have[h].SameKey(source) || !IntervalsContain(have[h].Intervals, source.Intervals))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IntervalsContain(GtidInterval[] have, GtidInterval[] need)
    {
        int h = 0;
        foreach (var interval in need)
        {
            // Intervals are disjoint and non-adjacent, so one interval of 'have' must cover all of 'interval'.
            while (h < have.Length && have[h].Last < interval.First)
            {
                h++;
            }

            if (h == have.Length || have[h].First > interval.First || have[h].Last < interval.Last)
            {
                return false;
            }
        }

        return true;
    }

    private static MySqlGtidSource[] MySqlUnion(MySqlGtidSource[] a, MySqlGtidSource[] b)
    {
        var result = new List<MySqlGtidSource>(a.Length + b.Length);
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            int order = i == a.Length ? 1 : j == b.Length ? -1 : a[i].CompareKey(b[j]);
            if (order < 0)
            {
                result.Add(a[i++]);
            }
            else if (order > 0)
            {
                result.Add(b[j++]);
            }
            else
            {
                result.Add(a[i] with { Intervals = UniteIntervals(a[i].Intervals, b[j].Intervals) });
                i++;
                j++;
            }
        }

        return result.ToArray();
    }

    private static GtidInterval[] UniteIntervals(GtidInterval[] a, GtidInterval[] b)
    {
        var result = new List<GtidInterval>(a.Length + b.Length);
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            bool takeA = j == b.Length || (i < a.Length && a[i].First <= b[j].First);
            AddSorted(result, takeA ? a[i++] : b[j++]);
        }

        return result.ToArray();
    }

    private static bool MySqlEquals(MySqlGtidSource[] a, MySqlGtidSource[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            if (!a[i].SameKey(b[i]) || !a[i].Intervals.AsSpan().SequenceEqual(b[i].Intervals))
            {
                return false;
            }
        }

        return true;
    }

    private static string MySqlText(MySqlGtidSource[] sources)
    {
        var text = new StringBuilder();
        for (int i = 0; i < sources.Length; i++)
        {
            var source = sources[i];
            bool sameUuidAsPrevious = i > 0 && sources[i - 1].Uuid == source.Uuid;
            if (!sameUuidAsPrevious)
            {
                if (text.Length > 0)
                {
                    text.Append(',');
                }

                text.Append(FormatUuid(source.Uuid));
            }

            if (source.Tag.Length > 0)
            {
                text.Append(':').Append(source.Tag);
            }

            foreach (var interval in source.Intervals)
            {
                text.Append(':').Append(interval.ToString());
            }
        }

        return text.ToString();
    }
}
