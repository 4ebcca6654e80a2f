namespace Saima.Web.Features.Paging;

/// <summary>
/// The texts of paged lists of units (search by name or code, previous and next page):
/// Resources/Features/Paging/PagingTexts.resx (Simplified Chinese, neutral) and PagingTexts.en.resx.
/// </summary>
public sealed class PagingTexts
{
    private PagingTexts()
    {
    }
}
