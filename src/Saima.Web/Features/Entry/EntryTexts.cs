namespace Saima.Web.Features.Entry;

/// <summary>
/// The texts of data entry (/entry): Resources/EntryTexts.resx (Simplified Chinese, neutral) and
/// Resources/EntryTexts.en.resx. Pages take them as <c>IStringLocalizer&lt;EntryTexts&gt;</c>.
/// </summary>
public sealed class EntryTexts
{
    private EntryTexts()
    {
    }
}
