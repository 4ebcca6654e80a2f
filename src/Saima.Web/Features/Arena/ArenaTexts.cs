namespace Saima.Web.Features.Arena;

/// <summary>
/// The texts of the on-site evaluation pages (/arena): Resources/ArenaTexts.resx (Simplified
/// Chinese, neutral) and Resources/ArenaTexts.en.resx. Pages take them as
/// <c>IStringLocalizer&lt;ArenaTexts&gt;</c>.
/// </summary>
public sealed class ArenaTexts
{
    private ArenaTexts()
    {
    }
}
