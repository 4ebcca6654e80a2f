namespace Saima.Web.Features.Entry;

/// <summary>
/// The texts of review at scale (/entry/review), corrections after publication (/entry/correct)
/// and the revision notes of the published pages (/league, /unit, /revisions):
/// Resources/ReviewTexts.resx (Simplified Chinese, neutral) and Resources/ReviewTexts.en.resx.
/// </summary>
public sealed class ReviewTexts
{
    private ReviewTexts()
    {
    }
}
