namespace Saima.Web.Features.Admin;

/// <summary>
/// The texts of the periods page (/admin/periods), the office's settings (/admin/settings) and
/// the publication confirmation (/entry/publish): Resources/PeriodTexts.resx (Simplified
/// Chinese, neutral) and Resources/PeriodTexts.en.resx. Pages take them as
/// <c>IStringLocalizer&lt;PeriodTexts&gt;</c>.
/// </summary>
public sealed class PeriodTexts
{
    private PeriodTexts()
    {
    }
}
