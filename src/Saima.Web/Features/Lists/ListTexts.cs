using System.Globalization;
using Microsoft.Extensions.Localization;
using Saima.Data;
using Saima.Data.Store;

namespace Saima.Web.Features.Lists;

/// <summary>
/// The texts of the list pages (/lists: 问题清单, 督办, 销号, 回头看): Resources/ListTexts.resx
/// (Simplified Chinese, neutral) and Resources/ListTexts.en.resx, as
/// <c>IStringLocalizer&lt;ListTexts&gt;</c>; with the words of kinds, states and sources.
/// </summary>
public sealed class ListTexts
{
    private ListTexts()
    {
    }

    public static string Kind(IStringLocalizer<ListTexts> t, ListKind kind) => t["Kind_" + kind].Value;

    public static string State(IStringLocalizer<ListTexts> t, ListState state) => t["State_" + state].Value;

    public static string Source(IStringLocalizer<ListTexts> t, ListSource source) => t["Source_" + source].Value;

    public static string MeasureState(IStringLocalizer<ListTexts> t, MeasureState state) => t["Measure_" + state].Value;

    /// <summary>The Bootstrap badge of a state.</summary>
    public static string Badge(ListState state) => state switch
    {
        ListState.Draft => "text-bg-secondary",
        ListState.Open => "text-bg-info",
        ListState.InProgress => "text-bg-primary",
        ListState.Submitted => "text-bg-warning",
        ListState.Returned => "text-bg-danger",
        ListState.Closed => "text-bg-success",
        ListState.Confirmed => "text-bg-success",
        _ => "text-bg-light",
    };

    /// <summary>A day as the pages and forms write it.</summary>
    public static string Day(DateOnly? day) => ListService.DateText(day);

    /// <summary>A day typed in a form (<c>input type="date"</c>), or null.</summary>
    public static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d) ? d : null;

    /// <summary>A rate as a percentage with one decimal, or a dash.</summary>
    public static string Rate(double? rate) => rate is double r ? (100 * r).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";
}
