namespace Saima.Web.Features.Analysis;

/// <summary>
/// The texts of benchmarking and analysis (rank intervals, what it takes, peers, benchmarks):
/// Resources/Features/Analysis/AnalysisTexts.resx (Simplified Chinese, neutral) and its .en.resx.
/// Pages take them as <c>IStringLocalizer&lt;AnalysisTexts&gt;</c>.
/// </summary>
public sealed class AnalysisTexts
{
    private AnalysisTexts()
    {
    }
}
