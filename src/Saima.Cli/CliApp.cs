namespace Saima.Cli;

/// <summary>The `saima` command line. Tests call <see cref="Run"/> in-process.</summary>
public static class CliApp
{
    /// <summary>Runs the command line; returns the exit code (0 ok, 2 bad input, 1 other failure).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        stderr.WriteLine("saima: under construction");
        return 1;
    }
}
