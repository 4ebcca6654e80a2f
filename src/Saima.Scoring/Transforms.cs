namespace Saima.Scoring;

/// <summary>The value transforms applied after denominating (and to goalposts and tier bounds).</summary>
public static class Transforms
{
    /// <summary>The transformed value; NaN outside the transform's domain (the caller refuses it).</summary>
    public static double Apply(Transform transform, double x) => transform switch
    {
        Transform.Ln => x > 0 ? Math.Log(x) : double.NaN,
        Transform.Log10 => x > 0 ? Math.Log10(x) : double.NaN,
        Transform.Sqrt => x >= 0 ? Math.Sqrt(x) : double.NaN,
        _ => x,
    };

    /// <summary>Undoes <see cref="Apply"/>: target-based rules read the value in its own units.</summary>
    public static double Inverse(Transform transform, double y) => transform switch
    {
        Transform.Ln => Math.Exp(y),
        Transform.Log10 => Math.Pow(10, y),
        Transform.Sqrt => y * y,
        _ => y,
    };

    public static string Name(Transform transform) => transform switch
    {
        Transform.Ln => "ln",
        Transform.Log10 => "log10",
        Transform.Sqrt => "sqrt",
        _ => "none",
    };
}
