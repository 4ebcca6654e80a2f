using Saima.Data;
using Saima.Scoring;

namespace Saima.Web.Features.Entry;

/// <summary>One line of the entry form: a unit's figure of an indicator in the open period, with what helps to fill it in.</summary>
public sealed record EntryRow(
    long UnitId, string UnitCode, string UnitName,
    long IndicatorId, string Code, string Name, string? UnitOfMeasure,
    double? LastValue, double? Target, double? Value, FigureStatus? Status, string? Comment, long? FigureId)
{
    /// <summary>A new figure, a draft or a returned one can be changed; submitted, approved and published ones cannot.</summary>
    public bool Editable => Status is null or FigureStatus.Draft or FigureStatus.Returned;

    public string Key => EntryForm.Key(UnitId, IndicatorId);

    /// <summary>The reporter's explanation kept with the figure.</summary>
    public string? Explanation { get; init; }

    /// <summary>What the checks raised on the stored value.</summary>
    public FigureFlags Flags { get; init; }
}

/// <summary>A posted value of the form (text, as typed; empty is "no value").</summary>
public sealed class EntryInput
{
    public long Unit { get; set; }

    public long Indicator { get; set; }

    public string? Value { get; set; }

    /// <summary>Why a flagged value is right, or why a returned figure goes back unchanged.</summary>
    public string? Explanation { get; set; }

    /// <summary>An evidence file for the figure (its type is checked by content when stored).</summary>
    public Microsoft.AspNetCore.Http.IFormFile? File { get; set; }
}

public static class EntryForm
{
    public static string Key(long unit, long indicator) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{unit}_{indicator}");

    /// <summary>Whether an indicator reported at <paramref name="frequency"/> is due in the period (the store's rule).</summary>
    public static bool IsDue(string frequency, string period) =>
        !Period.TryParse(period, out Period p) || Saima.Data.Store.FigureEntry.IsDue(frequency, p);

    public static string Number(double? v) => v?.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;

    public static string StatusKey(FigureStatus? s) => "Status_" + (s?.ToString() ?? "None");
}
