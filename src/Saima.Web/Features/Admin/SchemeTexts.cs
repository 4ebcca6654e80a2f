using Microsoft.Extensions.Localization;
using Saima.Data.Intake;
using Saima.Data.Store;

namespace Saima.Web.Features.Admin;

/// <summary>
/// The texts of scheme design (/admin/schemes/new, copy, sources, /admin/units, /entry/mine):
/// Resources/SchemeTexts.resx (Simplified Chinese, neutral) and Resources/SchemeTexts.en.resx.
/// </summary>
public sealed class SchemeTexts
{
    private SchemeTexts()
    {
    }

    /// <summary>A draft's error in the user's language: <c>Draft_{code}</c> with its arguments (an engine refusal: its path, and in English its reason).</summary>
    public static string Draft(IStringLocalizer<SchemeTexts> s, DraftError e)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(e);
        object[] args = e.Code == DraftError.Engine ? [e.Args.Count > 0 ? e.Args[0] : string.Empty, e.Message] : [.. e.Args];
        LocalizedString text = s["Draft_" + e.Code, args];
        return text.ResourceNotFound ? e.Message : text.Value;
    }

    /// <summary>A rule problem's text (<see cref="RuleProblem"/> codes are <see cref="DraftError"/> codes).</summary>
    public static string Rule(IStringLocalizer<SchemeTexts> s, string code, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(s);
        LocalizedString text = s["Draft_" + code, [.. args]];
        return text.ResourceNotFound ? code : text.Value;
    }

    /// <summary>An indicator file's error in the user's language, with its sheet, line and column.</summary>
    public static string Sheet(IStringLocalizer<SchemeTexts> s, IndicatorFileError e)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(e);
        string what = e.Code == IndicatorSheet.BadRule && e.Args.Count > 0
            ? Rule(s, e.Args[0], e.Args.Skip(1).ToList())
            : s["Sheet_" + e.Code, [.. e.Args]] is { ResourceNotFound: false } t ? t.Value : e.Message;
        return s["Sheet_At", e.Sheet, e.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Column, e.Header, what];
    }
}
