using YamlDotNet.RepresentationModel;

namespace Switchyard.Proxy.Configuration;

internal sealed partial class YamlSection
{
    /// <summary>A value given either as one scalar or as a list of scalars (<c>user: app</c> or <c>user: [app, bi]</c>),
    /// each item with its node for error positions; null when the key is absent.</summary>
    public IReadOnlyList<(string Value, YamlNode Node)>? StringList(string key)
    {
        var value = Get(key);
        switch (value)
        {
            case null:
                return null;
            case YamlScalarNode scalar:
                return [(scalar.Value ?? "", scalar)];
            case YamlSequenceNode sequence:
                var items = new List<(string, YamlNode)>();
                foreach (var item in sequence)
                {
                    if (item is YamlScalarNode { Value: { } text } && text.Length > 0)
                        items.Add((text, item));
                    else
                        Error(item, $"'{Qualify(key)}' items must be single values");
                }
                if (sequence.Children.Count == 0)
                    Error(value, $"'{Qualify(key)}' must not be an empty list");
                return items;
            default:
                Error(value, $"'{Qualify(key)}' must be a value or a list of values");
                return [];
        }
    }

    /// <summary>" (did you mean 'x'?)" when a name in <paramref name="known"/> is within two edits of
    /// <paramref name="name"/>, else "".</summary>
    public static string DidYouMean(string name, IEnumerable<string> known)
    {
        var hint = known.MinBy(k => Distance(k, name));
        return hint is not null && Distance(hint, name) <= 2 ? $" (did you mean '{hint}'?)" : "";
    }
}
