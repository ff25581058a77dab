using System.Globalization;
using System.Numerics;
using System.Text;

namespace Switchyard.Routing.Consistency;

// MariaDB notation: "0-1-100,1-2-50". See https://mariadb.com/kb/en/gtid/
internal sealed partial class GtidSet
{
    private static bool TryParseMariaDb(ReadOnlySpan<char> text, out GtidSet? set, out string? error)
    {
        set = null;
        var domains = new List<MariaDbGtid>();
        foreach (Range range in text.Split(','))
        {
            ReadOnlySpan<char> element = text[range].Trim();
            if (!TryParseMariaDbGtid(element, out var gtid, out error))
            {
                return false;
            }

            domains.Add(gtid);
        }

        domains.Sort(static (a, b) => a.Domain.CompareTo(b.Domain));
        for (int i = 1; i < domains.Count; i++)
        {
            if (domains[i].Domain == domains[i - 1].Domain)
            {
                // A position holds the last GTID of each domain; two for one domain is not a position.
                error = $"GTID domain {domains[i].Domain} appears twice";
                return false;
            }
        }

        set = new GtidSet(GtidFlavor.MariaDb, domains.ToArray(), []);
        error = null;
        return true;
    }

    private static bool TryParseMariaDbGtid(ReadOnlySpan<char> element, out MariaDbGtid gtid, out string? error)
    {
        gtid = default;
        if (element.IsEmpty)
        {
            error = "empty GTID in a comma-separated list";
            return false;
        }

        Span<Range> parts = stackalloc Range[4];
        if (element.Split(parts, '-') != 3)
        {
            error = $"GTID '{element}' is not domain-server-sequence";
            return false;
        }

        if (!TryParseNumber(element[parts[0]], "domain", out uint domain, out error)
            || !TryParseNumber(element[parts[1]], "server id", out uint server, out error)
            || !TryParseNumber(element[parts[2]], "sequence number", out ulong sequence, out error))
        {
            error = $"GTID '{element}': {error}";
            return false;
        }

        gtid = new MariaDbGtid(domain, server, sequence);
        return true;
    }

    /// <summary>Parses decimal digits only (no sign, no spaces), naming what was wrong.</summary>
    private static bool TryParseNumber<T>(ReadOnlySpan<char> digits, string what, out T value, out string? error)
        where T : IBinaryInteger<T>
    {
        if (T.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value!))
        {
            error = null;
            return true;
        }

        bool allDigits = !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9');
        error = allDigits ? $"{what} {digits} is out of range" : $"{what} '{digits}' is not a number";
        return false;
    }

    private static bool MariaDbContains(MariaDbGtid[] have, MariaDbGtid[] need)
    {
        int h = 0;
        foreach (var gtid in need)
        {
            while (h < have.Length && have[h].Domain < gtid.Domain)
            {
                h++;
            }

            if (h == have.Length || have[h].Domain != gtid.Domain || have[h].Sequence < gtid.Sequence)
            {
                return false;
            }
        }

        return true;
    }

    private static MariaDbGtid[] MariaDbUnion(MariaDbGtid[] a, MariaDbGtid[] b)
    {
        var result = new List<MariaDbGtid>(a.Length + b.Length);
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            if (j == b.Length || (i < a.Length && a[i].Domain < b[j].Domain))
            {
                result.Add(a[i++]);
            }
            else if (i == a.Length || b[j].Domain < a[i].Domain)
            {
                result.Add(b[j++]);
            }
            else
            {
                result.Add(a[i].Sequence >= b[j].Sequence ? a[i] : b[j]);
                i++;
                j++;
            }
        }

        return result.ToArray();
    }

    private static string MariaDbText(MariaDbGtid[] domains)
    {
        var text = new StringBuilder();
        foreach (var gtid in domains)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(CultureInfo.InvariantCulture, $"{gtid.Domain}-{gtid.Server}-{gtid.Sequence}");
        }

        return text.ToString();
    }
}
