using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>
/// Serializes figure entry with publication on PostgreSQL, where both run side by side under READ
/// COMMITTED: entry takes the rows of its periods FOR SHARE (entries run together), publication
/// takes its period's row FOR UPDATE (it waits for entries in flight, and they wait for it). What
/// either reads after the lock is what the other committed, so a draft never lands in a period
/// published meanwhile, and a period is never published over a draft just acknowledged. SQLite
/// has one writer at a time and needs no lock. Must run inside the caller's transaction.
/// </summary>
internal static class PeriodLock
{
    public static async Task ForEntryAsync(SaimaDb db, long schemeId, IEnumerable<string> periods, CancellationToken cancel)
    {
        string[] codes = [.. periods.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (db.Provider != StoreProvider.Postgres || codes.Length == 0)
        {
            return;
        }

        RequireTransaction(db);
        await db.Database.ExecuteSqlRawAsync("SELECT id FROM periods WHERE scheme_id = {0} AND code = ANY({1}) ORDER BY id FOR SHARE", [schemeId, codes], cancel);
    }

    public static void ForPublication(SaimaDb db, long schemeId, string period)
    {
        if (db.Provider != StoreProvider.Postgres)
        {
            return;
        }

        RequireTransaction(db);
        db.Database.ExecuteSqlRaw("SELECT id FROM periods WHERE scheme_id = {0} AND code = {1} FOR UPDATE", schemeId, period);
    }

    private static void RequireTransaction(SaimaDb db)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("a period lock is taken inside a transaction");
        }
    }
}
