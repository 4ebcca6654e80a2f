namespace Saima.Scoring; internal static class Placeholder { }
