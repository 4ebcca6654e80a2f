namespace Saima.Web.Features.Matrix;

/// <summary>
/// The texts of the red/green matrix (/matrix) and the map (/map): Resources/MatrixTexts.resx
/// (Simplified Chinese, neutral) and Resources/MatrixTexts.en.resx. Pages take them as
/// <c>IStringLocalizer&lt;MatrixTexts&gt;</c>.
/// </summary>
public sealed class MatrixTexts
{
    private MatrixTexts()
    {
    }
}
