namespace Saima.Data.Bulk;

/// <summary>
/// Bad input to a bulk load: an unknown scheme, unit or indicator code, a malformed period or
/// number, a duplicate row, a figure that is already stored. Nothing was written. The message is
/// complete (it names the file and line where there is one); the CLI prints it and exits 2.
/// </summary>
public sealed class BulkLoadException(string message) : Exception(message);
