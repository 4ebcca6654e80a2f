using System.Globalization;

namespace Saima.Web.Features.Paging;

/// <summary>
/// One page of a list of units, found by a unit's name or code: no page shows more than
/// <see cref="Size"/> units (a country has 3,000 counties), and the pager links keep the page's
/// other query values.
/// </summary>
public sealed record UnitListPage(int Number, int Pages, int Total, string? Search, string Path, IReadOnlyDictionary<string, string?> Query)
{
    /// <summary>Units per page.</summary>
    public const int Size = 50;

    /// <summary>
    /// The page <paramref name="number"/> (from 1; clamped to the pages there are) of the units
    /// whose code or name contains <paramref name="search"/> (any case), in the order given.
    /// </summary>
    public static (List<T> Items, UnitListPage Page) Of<T>(IEnumerable<T> all, Func<T, string> code, Func<T, string> name, string? search, int number,
        string path, IReadOnlyDictionary<string, string?> query)
    {
        ArgumentNullException.ThrowIfNull(all);
        string? s = Clean(search);
        var found = s is null ? all.ToList()
            : all.Where(x => code(x).Contains(s, StringComparison.OrdinalIgnoreCase) || name(x).Contains(s, StringComparison.OrdinalIgnoreCase)).ToList();
        int pages = Math.Max(1, (found.Count + Size - 1) / Size);
        int n = Math.Clamp(number, 1, pages);
        return (found.Skip((n - 1) * Size).Take(Size).ToList(), new UnitListPage(n, pages, found.Count, s, path, query));
    }

    /// <summary>
    /// The page <paramref name="number"/> (from 1; clamped to the pages there are) of a list that
    /// the database pages itself: <paramref name="total"/> units found by <paramref name="search"/>
    /// (as <see cref="Clean"/> gives it); the page's units are <see cref="Skip"/> on, at most <see cref="Size"/>.
    /// </summary>
    public static UnitListPage For(int total, string? search, int number, string path, IReadOnlyDictionary<string, string?> query)
    {
        int pages = Math.Max(1, (total + Size - 1) / Size);
        return new UnitListPage(Math.Clamp(number, 1, pages), pages, total, Clean(search), path, query);
    }

    /// <summary>The search as lists apply it: trimmed, null when blank.</summary>
    public static string? Clean(string? search) => string.IsNullOrWhiteSpace(search) ? null : search.Trim();

    /// <summary>How many units of the whole list come before this page.</summary>
    public int Skip => (Number - 1) * Size;

    /// <summary>The link to another page of the same list (same query, same search).</summary>
    public string Link(int number)
    {
        var parts = Query.Where(q => q.Value is not null && q.Key is not ("p" or "q"))
            .Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value!))
            .ToList();
        if (Search is not null)
        {
            parts.Add("q=" + Uri.EscapeDataString(Search));
        }

        parts.Add("p=" + number.ToString(CultureInfo.InvariantCulture));
        return Path + "?" + string.Join('&', parts);
    }
}
