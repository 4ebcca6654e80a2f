namespace Saima.Web.Features.Benchmarks;

/// <summary>
/// The texts of peers and external benchmarks (对标先进): the unit page's section, the catch-up
/// target page and the office's settings page. Resources/Features/Benchmarks/BenchmarkTexts.resx
/// (Simplified Chinese, neutral) and its .en.resx.
/// </summary>
public sealed class BenchmarkTexts
{
    private BenchmarkTexts()
    {
    }
}
