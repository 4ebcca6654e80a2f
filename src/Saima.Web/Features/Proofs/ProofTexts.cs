namespace Saima.Web.Features.Proofs;

/// <summary>
/// The texts of the proofs on demand (the audit chain's state, each day's head hash, recomputing
/// the results): Resources/ProofTexts.resx (Simplified Chinese, neutral) and
/// Resources/ProofTexts.en.resx. Pages take them as <c>IStringLocalizer&lt;ProofTexts&gt;</c>.
/// </summary>
public sealed class ProofTexts
{
    private ProofTexts()
    {
    }
}
