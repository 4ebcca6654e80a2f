using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Saima.Data;
using Saima.Web.Features.Shared;

namespace Saima.Web.Features.Units;

/// <summary>
/// Makes the first unit page after the server's start cheap: once the server listens (readiness is
/// not delayed), it reads in the background, for each scheme's latest published result set, one
/// unit's page as a request would (<see cref="UnitModel.WarmAsync"/>). That keeps what every unit's
/// page of the set shares (the ranked counts, the peers' set data, the explanation's set data, the
/// scheme's indicators) and compiles the page's queries and code, so that the first person to open a
/// unit page pays for their unit's rows only. <see cref="EnabledKey"/> (default true) turns it off.
/// </summary>
public sealed class UnitPageWarmUp(IServiceProvider services, IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<UnitPageWarmUp> log) : BackgroundService
{
    /// <summary>The configuration key that turns the warm-up off (<c>Saima:WarmUp</c>, default true).</summary>
    public const string EnabledKey = "Saima:WarmUp";

    /// <summary>Completed when the warm-up has run (or was off or failed): for tests.</summary>
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when the warm-up has run, was off, or failed.</summary>
    public Task Done => _done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!configuration.GetValue(EnabledKey, true))
            {
                return;
            }

            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken);
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            int pages = await WarmAsync(services, stoppingToken);
            log.LogInformation("unit pages warmed up: {Pages} scheme(s) in {Milliseconds} ms", pages, clock.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // a failed warm-up costs the first visitor time, nothing else: logged
        catch (Exception e)
#pragma warning restore CA1031
        {
            log.LogWarning(e, "the unit pages' warm-up failed; the first unit page of a set reads its shared data itself");
        }
        finally
        {
            _done.TrySetResult();
        }
    }

    /// <summary>Reads one unit's page of each scheme's latest published set (the first unit by code); the number of pages read.</summary>
    internal static async Task<int> WarmAsync(IServiceProvider services, CancellationToken cancel)
    {
        var targets = new List<(string Scheme, string Unit)>();
        using (IServiceScope scope = services.CreateScope())
        {
            SaimaDb db = scope.ServiceProvider.GetRequiredService<SaimaDb>();
            var schemes = await db.Schemes.AsNoTracking().OrderBy(s => s.Code).Select(s => new { s.Id, s.Code }).ToListAsync(cancel);
            foreach (var s in schemes)
            {
                var periods = await Published.PeriodsAsync(db, s.Id, cancel);
                if (periods.Count == 0)
                {
                    continue;
                }

                long setId = periods[0].Set.Id;
                string? unit = await (from r in db.ResultRows.AsNoTracking()
                                      join u in db.Units.AsNoTracking() on r.UnitId equals u.Id
                                      where r.ResultSetId == setId
                                      orderby r.UnitId
                                      select u.Code).FirstOrDefaultAsync(cancel);
                if (unit is not null)
                {
                    targets.Add((s.Code, unit));
                }
            }
        }

        CultureInfo zh = CultureInfo.GetCultureInfo("zh-CN");
        (CultureInfo culture, CultureInfo ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        int read = 0;
        try
        {
            // The page as the office's default language shows it.
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (zh, zh);
            foreach (var (scheme, unit) in targets)
            {
                using IServiceScope scope = services.CreateScope();
                var model = ActivatorUtilities.CreateInstance<UnitModel>(scope.ServiceProvider);
                model.Code = unit;
                model.SchemeCode = scheme;
                if (await model.WarmAsync(cancel))
                {
                    read++;
                }
            }
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, ui);
        }

        return read;
    }
}
