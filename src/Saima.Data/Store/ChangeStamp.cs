using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Saima.Data.Store;

/// <summary>
/// The store's change stamp (schema 0007, table <c>change_stamp</c>): a value that triggers replace,
/// at random, in the same transaction as any change to the tables the published pages read
/// (units, schemes and their versions, members, indicators, targets, periods, bonus and penalty
/// items, result sets, maps). Whatever a reader derives from those tables and keeps stays valid as
/// long as the stamp it read before reading them is the stamp now, whoever writes: the web
/// application, <c>saima</c> on the command line, or SQL by hand. Figures, users, audit and
/// reminders do not change it.
/// </summary>
public static class ChangeStamp
{
    /// <summary>The stamp of a store that has never changed (no row yet).</summary>
    public const long Initial = 0;

    private const string Query = "SELECT value FROM change_stamp WHERE id = 1";

    /// <summary>
    /// The current stamp, read with one statement on the context's connection (opened for the call
    /// when it is closed, and closed again; a connection the caller opened stays open).
    /// </summary>
    public static async Task<long> ReadAsync(SaimaDb db, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        DbConnection connection = db.Database.GetDbConnection();
        bool open = connection.State == ConnectionState.Open;
        if (!open)
        {
            await db.Database.OpenConnectionAsync(cancel).ConfigureAwait(false);
        }

        try
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = Query;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            object? value = await command.ExecuteScalarAsync(cancel).ConfigureAwait(false);
            return value is null or DBNull ? Initial : Convert.ToInt64(value, CultureInfo.InvariantCulture);
        }
        finally
        {
            if (!open)
            {
                await db.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
    }
}
