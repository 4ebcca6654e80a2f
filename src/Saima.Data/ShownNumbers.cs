namespace Saima.Data;

/// <summary>
/// How the published pages, their exports and the circulars show scores and values: one place,
/// so that a circular, a spreadsheet and the league page never disagree on a number's decimals.
/// </summary>
public static class ShownNumbers
{
    /// <summary>Two decimals, as every results page and document shows scores and values.</summary>
    public const string Decimals = "0.00";
}
