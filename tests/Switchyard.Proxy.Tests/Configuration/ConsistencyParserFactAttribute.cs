using Switchyard.Routing.Consistency;

namespace Switchyard.Proxy.Tests.Configuration;

/// <summary>
/// A test that needs <see cref="ConsistencyLevel.TryParse"/>, which is written on the consistency-core branch: until
/// that branch is merged the stub throws and these tests are reported as skipped (with this reason), after it they
/// run with no change here.
/// </summary>
public sealed class ConsistencyParserFactAttribute : FactAttribute
{
    public ConsistencyParserFactAttribute()
    {
        if (!ParserAvailable)
            Skip = "ConsistencyLevel.TryParse is still the stub (implemented on the consistency-core branch)";
    }

    internal static bool ParserAvailable
    {
        get
        {
            try
            {
                ConsistencyLevel.TryParse("strong", out _, out _);
                return true;
            }
            catch (NotImplementedException)
            {
                return false;
            }
        }
    }
}
