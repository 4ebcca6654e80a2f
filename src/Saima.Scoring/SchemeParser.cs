namespace Saima.Scoring;

public static class SchemeParser
{
    /// <summary>Parses and validates a scheme. Throws <see cref="SchemeException"/> naming the JSON path.</summary>
    public static Scheme Parse(string json)
    {
        throw new NotSupportedException("parser under construction");
    }
}
