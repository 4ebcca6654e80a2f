using Microsoft.Extensions.Localization;
using Saima.Scoring;

namespace Saima.Web.Features.Shared;

/// <summary>
/// The names a scheme gives its nodes and tracks, in the user's language: in English the store's
/// English indicator name, else the scheme JSON's <c>name_en</c> (indicators, groups, and
/// <c>tracks.name_en</c> for tracks), else the Chinese name; in Chinese always the Chinese name.
/// </summary>
public static class SchemeNames
{
    public static string Indicator(IndicatorDef indicator, IReadOnlyDictionary<string, string> englishNames, bool english)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        ArgumentNullException.ThrowIfNull(englishNames);
        return english && (englishNames.GetValueOrDefault(indicator.Code) ?? indicator.NameEn) is { Length: > 0 } en
            ? en
            : indicator.Name ?? indicator.Code;
    }

    public static string Group(GroupDef group, bool english)
    {
        ArgumentNullException.ThrowIfNull(group);
        return english && group.NameEn is { Length: > 0 } en ? en : group.Name ?? group.Code;
    }

    /// <summary>A track's display name (the track itself is the name units are stored with).</summary>
    public static string Track(Scheme? scheme, string? track, bool english) =>
        track is null ? string.Empty
        : english && scheme?.Tracks?.NamesEn.GetValueOrDefault(track) is { Length: > 0 } en ? en
        : track;

    /// <summary>
    /// A unit of measure (万元, 亿元, %) in English when the texts know it (Resources/RuleTexts,
    /// keys <c>Uom_…</c>), else as stored.
    /// </summary>
    public static string? UnitOfMeasure(IStringLocalizer<RuleTexts> texts, string? uom, bool english)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (!english || string.IsNullOrEmpty(uom))
        {
            return uom;
        }

        LocalizedString s = texts["Uom_" + uom];
        return s.ResourceNotFound ? uom : s.Value;
    }
}
