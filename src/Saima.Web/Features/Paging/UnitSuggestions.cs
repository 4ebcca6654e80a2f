namespace Saima.Web.Features.Paging;

/// <summary>
/// A form's suggestions of unit codes (an HTML datalist): a convenience while typing, never the
/// only way to name a unit (the field takes any code, and the store checks it), so it offers at
/// most <see cref="Max"/> units rather than every unit of a country.
/// </summary>
public static class UnitSuggestions
{
    /// <summary>The most units one datalist offers.</summary>
    public const int Max = UnitListPage.Size;
}
