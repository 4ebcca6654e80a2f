using System.Runtime.CompilerServices;
using Microsoft.Extensions.Caching.Memory;

namespace Saima.Web.Features.Shared;

/// <summary>
/// Keeps the memory cache within a share of the process's memory. The cache's own budget counts
/// entries (<see cref="Published.DefaultCacheSize"/>), and a kept view can be a few kilobytes (a
/// league page) or a megabyte (a matrix window with every column): at a country's size thousands of
/// unit pages' views fill the process long before the count is reached. So after a view is kept,
/// when the managed heap that survived the last full garbage collection is over the budget
/// (<see cref="BudgetKey"/>, default <see cref="DefaultBudgetMegabytes"/> MB), the cache drops a
/// quarter of its entries (expired first, then the least recently used), at most once per full
/// collection: the next full collection shows what that freed. Views dropped are read again when
/// asked for; nothing else changes.
/// </summary>
public static class CacheMemory
{
    /// <summary>The setting: megabytes of surviving managed heap above which kept views are dropped.</summary>
    public const string BudgetKey = "Saima:CacheMemoryMegabytes";

    public const int DefaultBudgetMegabytes = 512;

    private sealed class Budget(long bytes)
    {
        public long Bytes { get; } = bytes;

        public long LastCollection { get; set; } = -1;
    }

    private static readonly ConditionalWeakTable<IMemoryCache, Budget> Budgets = [];

    /// <summary>Gives <paramref name="cache"/> a budget of <paramref name="bytes"/> of surviving managed heap.</summary>
    public static void Set(IMemoryCache cache, long bytes) => Budgets.AddOrUpdate(cache, new Budget(bytes));

    /// <summary>
    /// Drops a quarter of the cache's entries when the heap that survived the last full collection
    /// is over the cache's budget and this collection has not been answered yet; whether it did.
    /// </summary>
    public static bool Trim(IMemoryCache cache)
    {
        if (cache is not MemoryCache memory || !Budgets.TryGetValue(cache, out Budget? budget))
        {
            return false;
        }

        GCMemoryInfo last = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        if (last.Index == 0 || last.HeapSizeBytes - last.FragmentedBytes <= budget.Bytes)
        {
            return false;
        }

        lock (budget)
        {
            if (budget.LastCollection == last.Index)
            {
                return false;
            }

            budget.LastCollection = last.Index;
        }

        memory.Compact(0.25);
        return true;
    }
}
