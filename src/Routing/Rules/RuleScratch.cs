using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchyard.Routing.Rules;

/// <summary>What one <see cref="RuleSet.Match"/> call computes at most once and only on demand: the statement's
/// digest hash and its text decoded for regular expressions (in a pooled buffer, returned by <see cref="Dispose"/>).</summary>
internal ref struct RuleScratch
{
    private ulong _digest;
    private bool _haveDigest;
    private char[]? _text;
    private int _textLength;

    public ulong DigestOf(in RuleInput input)
    {
        if (!_haveDigest)
        {
            _digest = input.Digest ?? RuleDigest.HashOf(input.Sql, input.NoBackslashEscapes);
            _haveDigest = true;
        }
        return _digest;
    }

    public bool IsMatch(Regex pattern, in RuleInput input, RoutingRule rule)
    {
        if (_text is null)
        {
            _text = ArrayPool<char>.Shared.Rent(Math.Max(1, Encoding.UTF8.GetMaxCharCount(input.Sql.Length)));
            _textLength = Encoding.UTF8.GetChars(input.Sql, _text);
        }
        try
        {
            return pattern.IsMatch(_text.AsSpan(0, _textLength));
        }
        catch (RegexMatchTimeoutException)
        {
            // Fail open and count it: a firewall rule whose pattern cannot decide in time must not stall every
            // statement; the counter (and /status) shows the pattern needs fixing.
            rule.CountRegexTimeout();
            return false;
        }
    }

    public void Dispose()
    {
        if (_text is not null)
        {
            ArrayPool<char>.Shared.Return(_text);
            _text = null;
        }
    }
}
