using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Saima.Data.Intake;
using Saima.Data.Store;
using Saima.Data.Tests.Intake;

namespace Saima.Data.Tests.Store;

/// <summary>
/// Races between doors, with real concurrent transactions on separate connections started
/// together: publication against entry, approval against return, import against import. Each
/// runs many trials; what must hold holds in every one.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ConcurrencyTests(Stores stores)
{
    [Fact]
    public async Task Publish_RacingEntry_NeverLeavesAnAcknowledgedDraftInAPublishedPeriod()
    {
        using var w = new World(stores.NewMigrated(StoreProvider.Postgres));
        w.CreateScheme();
        int acknowledged = 0, publications = 0;
        for (int t = 0; t < 24; t++)
        {
            string period = new DateOnly(2026, 1, 1).AddMonths(t).ToString("yyyy-MM", CultureInfo.InvariantCulture);
            w.Open(period);
            w.Report("C01", World.Revenue, period, 100 + t);
            using SaimaDb a = SaimaDb.Open(w.Store), b = SaimaDb.Open(w.Store);
            await a.Database.OpenConnectionAsync();
            await b.Database.OpenConnectionAsync();
            using var go = new Barrier(2);
            Task<bool> publish = Task.Run(() =>
            {
                go.SignalAndWait();
                try
                {
                    new FigureWorkflow(a, w.Clock).Publish(w.Office, w.Scheme.Id, period, MissingRules.Scheme);
                    return true;
                }
                catch (WorkflowException e) when (e.Code is WorkflowCodes.Outstanding or WorkflowCodes.PublishRace)
                {
                    return false;
                }
            });
            Task<bool> entry = Task.Run(async () =>
            {
                go.SignalAndWait();
                EntryResult r = await new FigureEntry(b, w.Clock).SaveAsync(w.ReporterOf("C02"), new EntryRequest(w.Scheme.Code, [new FigureInput("C02", World.Revenue, period, 50)]));
                if (!r.Accepted)
                {
                    r.Errors.ShouldHaveSingleItem().Code.ShouldBe(WorkflowCodes.PeriodClosed);
                }

                return r.Accepted;
            });
            bool published = await publish, entered = await entry;
            acknowledged += entered ? 1 : 0;
            publications += published ? 1 : 0;

            using SaimaDb check = SaimaDb.Open(w.Store);
            ReportingPeriod p = await check.Periods.AsNoTracking().SingleAsync(x => x.SchemeId == w.Scheme.Id && x.Code == period);
            int notPublished = await check.Figures.CountAsync(f => f.SchemeId == w.Scheme.Id && f.Period == period && f.IsCurrent && f.Status != FigureStatus.Published);
            (published && entered).ShouldBeFalse($"trial {t}: the period was published and the draft acknowledged");
            if (p.Status == PeriodStatus.Published)
            {
                notPublished.ShouldBe(0, $"trial {t}: a draft sits inside published period {period}");
            }
        }

        (acknowledged + publications).ShouldBe(24);
    }

    [Theory]
    [InlineData(StoreProvider.Postgres)]
    [InlineData(StoreProvider.Sqlite)]
    public async Task ApproveAndReturn_AtOnce_EachDecisionIsMadeOnTheStateTheOtherLeftAndTheLoserIsToldTheFigureChanged(StoreProvider provider)
    {
        using var w = new World(stores.NewMigrated(provider));
        w.CreateScheme();
        var losses = new List<string>();
        for (int t = 0; t < 30; t++)
        {
            string period = new DateOnly(2026, 1, 1).AddMonths(t).ToString("yyyy-MM", CultureInfo.InvariantCulture);
            w.Open(period);
            Figure f = w.Figures.SaveDraft(w.ReporterOf("C01"), w.Scheme.Id, w.Unit("C01"), w.Indicator(World.Revenue), period, 100 + t);
            w.Figures.Submit(w.ReporterOf("C01"), f.Id);
            using SaimaDb a = SaimaDb.Open(w.Store), b = SaimaDb.Open(w.Store);
            await a.Database.OpenConnectionAsync();
            await b.Database.OpenConnectionAsync();
            using var go = new Barrier(2);
            Task<string> approve = Task.Run(() => Decide(go, () => new FigureWorkflow(a, w.Clock).Approve(w.Reviewer, f.Id)));
            Task<string> ret = Task.Run(() => Decide(go, () => new FigureWorkflow(b, w.Clock).Return(w.Office, f.Id, "与财政局快报不一致，请核实")));
            string[] outcomes = [await approve, await ret];
            losses.AddRange(outcomes.Where(o => o != "ok"));
            outcomes.ShouldContain("ok");
            outcomes.Where(o => o != "ok").ShouldAllBe(o => o == WorkflowCodes.FigureChanged || o == WorkflowCodes.ApproveStatus);

            // The audit trail is one chain: each decision starts from the status the one before left.
            using SaimaDb check = SaimaDb.Open(w.Store);
            string key = AuditLog.FigureKey(w.Scheme.Code, "C01", World.Revenue, period);
            var steps = await check.Audit.AsNoTracking().Where(x => x.EntityKey == key && x.Field == "status").OrderBy(x => x.Id).Select(x => new { x.Action, x.OldValue, x.NewValue }).ToListAsync();
            for (int i = 1; i < steps.Count; i++)
            {
                steps[i].OldValue.ShouldBe(steps[i - 1].NewValue, $"trial {t}: '{steps[i].Action}' was decided on a stale read");
            }

            Figure stored = await check.Figures.AsNoTracking().SingleAsync(x => x.Id == f.Id);
            AuditLog.Text(stored.Status).ShouldBe(steps[^1].NewValue);
        }
    }

    [Theory]
    [InlineData(300)]
    [InlineData(3)]
    public async Task TwoImports_IntoOnePeriodAtOnce_EndInImportsOrARefusalNamingTheClashNeverARawError(int rows)
    {
        IntakeWorld world = IntakeWorld.Create(stores.NewMigrated(StoreProvider.Postgres), bulkUnits: 100, bulkIndicators: 3);
        int clashes = 0, accepted = 0;
        for (int t = 0; t < 8; t++)
        {
            string period = new DateOnly(2026, 1, 1).AddMonths(t).ToString("yyyy-MM", CultureInfo.InvariantCulture);
            using (SaimaDb db = world.Open())
            {
                db.Periods.Add(new ReportingPeriod { SchemeId = world.SchemeId, Code = period });
                await db.SaveChangesAsync();
            }

            var csv = new StringBuilder("单位代码,指标代码,期间,填报值\n");
            foreach (string unit in Enumerable.Range(1, 100).Select(i => "B" + i.ToString("D4", CultureInfo.InvariantCulture)))
            {
                foreach (string indicator in new[] { "X001", "X002", "X003" })
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{unit},{indicator},{period},{t + 1}\n");
                }
            }

            byte[] file = Encoding.UTF8.GetBytes(string.Join('\n', csv.ToString().Split('\n').Take(rows + 1)) + "\n");
            using var go = new Barrier(2);
            Task<ImportResult> Import(string name) => Task.Run(() =>
            {
                using SaimaDb db = world.Open();
                db.Database.OpenConnection();
                IntakeFile parsed = IntakeFile.Read(new MemoryStream(file), name);
                go.SignalAndWait();
                return world.Importer(db).Import(IntakeWorld.Scheme, parsed, IntakeWorld.Uploader);
            });

            ImportResult[] results = await Task.WhenAll(Import("a.csv"), Import("b.csv"));
            results.ShouldContain(r => r.Accepted);
            foreach (ImportResult refused in results.Where(r => !r.Accepted))
            {
                clashes++;
                ImportError e = refused.Errors.ShouldHaveSingleItem();
                e.Code.ShouldBe(WorkflowCodes.EntryClash);
                e.Row.ShouldBeGreaterThan(1);
                e.ReasonEn.ShouldContain("at the same moment");
                e.ReasonZh.ShouldContain("同时被他人录入或导入");
            }

            using SaimaDb check = world.Open();
            int current = await check.Figures.CountAsync(f => f.SchemeId == world.SchemeId && f.Period == period && f.IsCurrent);
            current.ShouldBe(rows);
            accepted += results.Count(r => r.Accepted);
            (await check.Imports.CountAsync()).ShouldBe(accepted, $"trial {t}: a refused import left its batch behind");
        }
    }

    private static string Decide(Barrier go, Action decide)
    {
        go.SignalAndWait();
        try
        {
            decide();
            return "ok";
        }
        catch (WorkflowException e)
        {
            return e.Code;
        }
    }
}
