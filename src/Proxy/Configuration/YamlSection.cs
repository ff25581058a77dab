using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Proxy.Configuration;

/// <summary>Typed, error-collecting access to one YAML mapping. Every problem is added to a shared list with
/// its line and column, so a file is reported whole instead of one error per attempt.</summary>
internal sealed partial class YamlSection(YamlMappingNode node, string path, List<ConfigError> errors, KeyCatalog? catalog = null)
{
    public YamlMappingNode Node { get; } = node;
    public string Path { get; } = path;

    public void Error(YamlNode at, string message) =>
        errors.Add(new ConfigError(message, (int)at.Start.Line, (int)at.Start.Column));

    /// <summary>Reports keys that are not in <paramref name="known"/>, with the closest known key as a hint.</summary>
    public void AllowOnly(params string[] known)
    {
        catalog?.Record(Path, known);
        foreach (var key in Node.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (Array.IndexOf(known, name) >= 0)
                continue;
            Error(key, $"unknown key '{Qualify(name)}'{DidYouMean(name, known)}");
        }
    }

    public YamlNode? Get(string key) =>
        Node.Children.TryGetValue(new YamlScalarNode(key), out var value) && !IsNull(value) ? value : null;

    public YamlSection? Section(string key)
    {
        var value = Get(key);
        if (value is null)
            return null;
        if (value is YamlMappingNode mapping)
            return new YamlSection(mapping, Qualify(key), errors, catalog);
        Error(value, $"'{Qualify(key)}' must be a mapping");
        return null;
    }

    public IEnumerable<YamlSection> Sections(string key)
    {
        var value = Get(key);
        if (value is null)
            yield break;
        if (value is not YamlSequenceNode sequence)
        {
            Error(value, $"'{Qualify(key)}' must be a list");
            yield break;
        }
        var index = 0;
        foreach (var item in sequence)
        {
            if (item is YamlMappingNode mapping)
                yield return new YamlSection(mapping, $"{Qualify(key)}[{index}]", errors, catalog);
            else
                Error(item, $"'{Qualify(key)}[{index}]' must be a mapping");
            index++;
        }
    }

    public string? String(string key)
    {
        var value = Get(key);
        if (value is null)
            return null;
        if (value is YamlScalarNode scalar)
            return scalar.Value;
        Error(value, $"'{Qualify(key)}' must be a single value");
        return null;
    }

    public string RequiredString(string key)
    {
        var value = String(key);
        if (string.IsNullOrWhiteSpace(value))
        {
            Error(Node, $"'{Qualify(key)}' is required");
            return "";
        }
        return value;
    }

    public int Int(string key, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = String(key);
        if (text is null)
            return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            Error(Get(key)!, $"'{Qualify(key)}' must be a whole number, not '{text}'");
            return fallback;
        }
        if (value < min || value > max)
        {
            Error(Get(key)!, $"'{Qualify(key)}' must be between {min} and {max}, not {value}");
            return fallback;
        }
        return value;
    }

    /// <summary>true/false (also yes/no, on/off).</summary>
    public bool Bool(string key, bool fallback)
    {
        var text = String(key);
        if (text is null)
            return fallback;
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "on":
                return true;
            case "false" or "no" or "off":
                return false;
            default:
                Error(Get(key)!, $"'{Qualify(key)}' must be true or false, not '{text}'");
                return fallback;
        }
    }

    public double Double(string key, double fallback, double min, double max)
    {
        var text = String(key);
        if (text is null)
            return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Error(Get(key)!, $"'{Qualify(key)}' must be a number, not '{text}'");
            return fallback;
        }
        if (value < min || value > max)
        {
            Error(Get(key)!, $"'{Qualify(key)}' must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}, not {text}");
            return fallback;
        }
        return value;
    }

    /// <summary>Durations as "250ms", "2s", "5m", "1h", or a bare number of seconds.</summary>
    public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan? min = null)
    {
        var text = String(key);
        if (text is null)
            return fallback;
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success)
        {
            Error(Get(key)!, $"'{Qualify(key)}' must be a duration such as 500ms, 2s, 5m or 1h, not '{text}'");
            return fallback;
        }
        var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var milliseconds = number * match.Groups[2].Value switch
        {
            "ms" => 1.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => 1000.0,
        };
        // Beyond a year nothing here makes sense, and TimeSpan would overflow further out.
        if (double.IsInfinity(milliseconds) || milliseconds > TimeSpan.FromDays(365).TotalMilliseconds)
        {
            Error(Get(key)!, $"'{Qualify(key)}' is too long: '{text}' (at most 365 days)");
            return fallback;
        }
        var value = TimeSpan.FromMilliseconds(milliseconds);
        if (min is { } floor && value < floor)
        {
            Error(Get(key)!, $"'{Qualify(key)}' must be at least {floor.TotalMilliseconds}ms");
            return fallback;
        }
        return value;
    }

    /// <summary>Sizes as bytes or with a KiB/MiB/GiB (or K/M/G) suffix.</summary>
    public long Size(string key, long fallback, long min = 1)
    {
        var text = String(key);
        if (text is null)
            return fallback;
        var match = SizePattern().Match(text.Trim());
        if (!match.Success)
        {
            Error(Get(key)!, $"'{Qualify(key)}' must be a size such as 65536, 512KiB or 64MiB, not '{text}'");
            return fallback;
        }
        if (!long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            Error(Get(key)!, $"'{Qualify(key)}' is too large: '{text}'");
            return fallback;
        }
        var multiplier = match.Groups[2].Value.ToUpperInvariant() switch
        {
            "K" or "KB" or "KIB" => 1024L,
            "M" or "MB" or "MIB" => 1024L * 1024,
            "G" or "GB" or "GIB" => 1024L * 1024 * 1024,
            _ => 1L,
        };
        if (number > long.MaxValue / multiplier)
        {
            Error(Get(key)!, $"'{Qualify(key)}' is too large: '{text}'");
            return fallback;
        }
        var value = number * multiplier;
        if (value < min)
        {
            Error(Get(key)!, $"'{Qualify(key)}' must be at least {min} bytes");
            return fallback;
        }
        return value;
    }

    public string Qualify(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Value: null or "" or "~" or "null" } scalar && scalar.Style == YamlDotNet.Core.ScalarStyle.Plain;

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^(\d+)\s*([KMG]i?B?|B)?$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();
}
