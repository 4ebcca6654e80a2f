using System.Globalization;

namespace Saima.Scoring;

public enum PeriodKind { None, Year, Quarter, Month }

/// <summary>
/// A scoring period: a year (<c>2025</c>), a quarter (<c>2025-Q2</c>) or a month (<c>2025-06</c>).
/// Ordered chronologically; <see cref="ExpectedProgress"/> is the time progress (时间进度) at its end.
/// </summary>
public readonly record struct Period(PeriodKind Kind, int Year, int Sub) : IComparable<Period>
{
    /// <summary>The single period of data without a period column.</summary>
    public static readonly Period None = new(PeriodKind.None, 0, 0);

    public static bool TryParse(string text, out Period period)
    {
        period = None;
        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s.Length == 4 && TryDigits(s, out int y))
        {
            period = new Period(PeriodKind.Year, y, 0);
            return true;
        }

        if (s.Length == 7 && s[4] == '-' && TryDigits(s[..4], out y))
        {
            if ((s[5] == 'Q' || s[5] == 'q') && s[6] >= '1' && s[6] <= '4')
            {
                period = new Period(PeriodKind.Quarter, y, s[6] - '0');
                return true;
            }

            if (TryDigits(s[5..], out int m) && m >= 1 && m <= 12)
            {
                period = new Period(PeriodKind.Month, y, m);
                return true;
            }
        }

        return false;
    }

    private static bool TryDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (char c in s)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    /// <summary>
    /// Percent of the year elapsed at the period's end: Q2 = 50, 06 = 50, a year (or no period) = 100.
    /// </summary>
    public double ExpectedProgress => Kind switch
    {
        PeriodKind.Quarter => 100.0 * Sub / 4,
        PeriodKind.Month => 100.0 * Sub / 12,
        _ => 100.0,
    };

    public int CompareTo(Period other)
    {
        int c = Year.CompareTo(other.Year);
        return c != 0 ? c : Sub.CompareTo(other.Sub);
    }

    public override string ToString() => Kind switch
    {
        PeriodKind.Year => Year.ToString("D4", CultureInfo.InvariantCulture),
        PeriodKind.Quarter => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-Q{Sub}"),
        PeriodKind.Month => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Sub:D2}"),
        _ => string.Empty,
    };
}
