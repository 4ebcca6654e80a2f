namespace Saima.Web.Features.Admin;

/// <summary>
/// The texts of the administration pages (/admin): Resources/AdminTexts.resx (Simplified
/// Chinese, neutral) and Resources/AdminTexts.en.resx. Pages take them as
/// <c>IStringLocalizer&lt;AdminTexts&gt;</c>.
/// </summary>
public sealed class AdminTexts
{
    private AdminTexts()
    {
    }
}
