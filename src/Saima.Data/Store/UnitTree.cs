using Microsoft.EntityFrameworkCore;

namespace Saima.Data.Store;

/// <summary>
/// The unit hierarchy (city → counties and districts → townships and streets): which units lie
/// below a unit. One read of the tree's ids and parents, then a walk that tolerates a cycle.
/// </summary>
public static class UnitTree
{
    /// <summary>The unit and every unit below it.</summary>
    public static List<long> WithUnitsBelow(SaimaDb db, long root) =>
        Walk(db.Units.AsNoTracking().Where(u => u.ParentId != null).Select(u => new { u.Id, Parent = u.ParentId!.Value })
            .AsEnumerable().ToLookup(u => u.Parent, u => u.Id), root);

    /// <summary>The unit and every unit below it.</summary>
    public static async Task<List<long>> WithUnitsBelowAsync(SaimaDb db, long root, CancellationToken cancel = default) =>
        Walk((await db.Units.AsNoTracking().Where(u => u.ParentId != null).Select(u => new { u.Id, Parent = u.ParentId!.Value }).ToListAsync(cancel))
            .ToLookup(u => u.Parent, u => u.Id), root);

    private static List<long> Walk(ILookup<long, long> children, long root)
    {
        var result = new List<long>();
        var seen = new HashSet<long>();
        var todo = new Stack<long>([root]);
        while (todo.TryPop(out long id))
        {
            if (seen.Add(id))
            {
                result.Add(id);
                foreach (long child in children[id])
                {
                    todo.Push(child);
                }
            }
        }

        return result;
    }
}
