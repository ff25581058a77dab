namespace Switchyard.Routing.Consistency;

/// <summary>A closed range of MySQL transaction numbers, <c>First-Last</c> (<c>First</c> alone when equal).</summary>
internal readonly record struct GtidInterval(long First, long Last)
{
    public override string ToString() => First == Last ? First.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{First}-{Last}";
}
