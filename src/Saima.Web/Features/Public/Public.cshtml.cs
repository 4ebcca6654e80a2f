using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Caching.Memory;
using Saima.Data;
using Saima.Data.Reports;
using Saima.Data.Store;
using Saima.Web.Features.Home;

namespace Saima.Web.Features.Public;

/// <summary>The public page (no login): published totals only. Public indicators come with the league tables.</summary>
[AllowAnonymous]
public sealed class PublicModel(SaimaDb db, IMemoryCache cache, TimeProvider clock) : PageModel
{
    /// <summary>How many quarterly boards the page shows (the newest).</summary>
    public const int ShownBoards = 4;

    public IReadOnlyList<SchemeLeaders> Schemes { get; private set; } = [];

    /// <summary>The issued quarterly boards, newest first: per scheme and quarter, its files (PNG, PDF, xlsx).</summary>
    public IReadOnlyList<IGrouping<(string Scheme, string Name, string Quarter), IssuedDocumentInfo>> Boards { get; private set; } = [];

    /// <summary>The counts and rates of the list kinds the office made public (none unless it chose some).</summary>
    public IReadOnlyList<ListPublicRow> Lists { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancel)
    {
        Lists = await new ListService(db, clock).PublicAsync(cancel);
        Schemes = await Leaders.LoadAsync(db, cache, await ChangeStamp.ReadAsync(db, cancel), cancel);
        var issued = await new DocumentArchive(db, clock).PublicAsync(ShownBoards * DocumentIssuer.BoardFormats.Count * 2, cancel);
        Boards = issued.GroupBy(b => (b.SchemeCode, b.SchemeName, b.Document.Period), b => b.Document).Take(ShownBoards).ToList();
    }
}
