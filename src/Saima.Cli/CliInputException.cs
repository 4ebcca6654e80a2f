namespace Saima.Cli;

/// <summary>
/// Bad input from the user: a file that cannot be read, a malformed row, an unknown code, a bad
/// option. The message is complete (it names the file and the line, column or JSON path) and is
/// printed as <c>error: &lt;message&gt;</c>; the exit code is 2.
/// </summary>
internal sealed class CliInputException(string message) : Exception(message)
{
    /// <summary>
    /// Formats a location the way every message of the CLI does: <c>file:line:column</c>, leaving
    /// out the parts that are not known (line &lt; 1, column null).
    /// </summary>
    public static string Where(string file, int line = 0, string? column = null)
    {
        string where = line > 0 ? $"{file}:{line.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : file;
        return column is null ? where : $"{where}:{column}";
    }

    public static CliInputException At(string file, int line, string? column, string message) =>
        new($"{Where(file, line, column)}: {message}");
}
