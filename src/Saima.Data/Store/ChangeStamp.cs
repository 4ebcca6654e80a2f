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
/// reminders do not change it; figures change a stamp of their own (<see cref="ReadBothAsync"/>).
/// </summary>
public static class ChangeStamp
{
    /// <summary>The stamp of a store that has never changed (no row yet).</summary>
    public const long Initial = 0;

    /// <summary>The row of the published pages' tables.</summary>
    private const int PagesRow = 1;

    /// <summary>The row of the figures (schema 0007: triggers on <c>figures</c>).</summary>
    private const int FiguresRow = 2;

    /// <summary>
    /// The current stamp of the published pages' tables, read with one statement on the context's
    /// connection (opened for the call when it is closed, and closed again; a connection the
    /// caller opened stays open).
    /// </summary>
    public static async Task<long> ReadAsync(SaimaDb db, CancellationToken cancel = default) =>
        (await ReadBothAsync(db, cancel).ConfigureAwait(false)).Pages;

    /// <summary>
    /// Both stamps in one statement: the published pages' tables, and the figures (which change
    /// all day, with every entry, submission, review and publication, and move only their own).
    /// </summary>
    public static async Task<(long Pages, long Figures)> ReadBothAsync(SaimaDb db, CancellationToken cancel = default)
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
            command.CommandText = "SELECT id, value FROM change_stamp";
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            long pages = Initial, figures = Initial;
            await using DbDataReader reader = await command.ExecuteReaderAsync(cancel).ConfigureAwait(false);
            while (await reader.ReadAsync(cancel).ConfigureAwait(false))
            {
                long value = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
                switch (Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture))
                {
                    case PagesRow: pages = value; break;
                    case FiguresRow: figures = value; break;
                }
            }

            return (pages, figures);
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
